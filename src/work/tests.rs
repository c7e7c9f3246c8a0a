use super::*;

fn call(receiver: &str, methods: &[&str], args: &str) -> Call {
    Call::new(
        receiver,
        methods.iter().map(|m| m.to_string()).collect(),
        args,
    )
}

fn work_of(body: &[Call]) -> Vec<String> {
    classify(body, &mut |_| None).kinds.into_iter().collect()
}

#[test]
fn kinds_file_parses_and_validates() {
    let k = kinds().expect("kinds.toml is valid");
    assert!(k.is_kind("metrics"));
    assert!(k.is_kind(UNKNOWN));
    assert!(k.is_kind(IN_MEMORY));
    assert!(!k.is_kind("metric"));
    assert!(k.ids().count() > 10);
}

#[test]
fn local_kinds_from_receivers_and_names() {
    assert_eq!(
        work_of(&[
            call("Metrics", &["gauge"], "prefix count"),
            call("Logger", &["warn"], "Failed"),
        ]),
        ["logging", "metrics"]
    );
    assert_eq!(work_of(&[call("this", &["ping"], "")]), ["health-check"]);
    assert_eq!(
        work_of(&[call("contentObjectService", &["RefreshAsync"], "")]),
        ["own-cache"]
    );
    // A bare `refresh()` names no object it refreshes.
    assert_eq!(work_of(&[call("", &["refresh"], "")]), [UNKNOWN]);
    assert_eq!(
        work_of(&[call("_sessionManager", &["OnPlaybackProgress"], "info")]),
        ["own-sessions"]
    );
    assert_eq!(
        work_of(&[call("", &["refresh_sys_info"], "")]),
        ["own-resources"]
    );
    assert_eq!(work_of(&[call("", &["info!"], "tick")]), ["logging"]);
}

#[test]
fn shared_words_win_over_local_ones() {
    // The receiver says database, though the method is about metrics.
    assert_eq!(
        work_of(&[call("metricsRepository", &["save"], "")]),
        ["database"]
    );
    // A shared method on a local-sounding receiver.
    assert_eq!(
        work_of(&[call("Session", &["destroy"], "where")]),
        ["database"]
    );
    assert_eq!(work_of(&[call("mailer", &["send"], "reminder")]), ["email"]);
    // A destination named for analytics makes an HTTP call usage analytics.
    assert_eq!(
        work_of(&[call(
            "HTTP_CLIENT",
            &["post", "json", "send"],
            "ANALYTICS_SERVER_URL"
        )]),
        ["usage-analytics"]
    );
    assert_eq!(
        work_of(&[call(
            "HTTP_CLIENT",
            &["post", "json", "send"],
            "WEBHOOK_URL"
        )]),
        ["http"]
    );
}

#[test]
fn neutral_calls_leave_in_memory_work_and_unknown_calls_count_as_shared() {
    assert_eq!(work_of(&[]), [IN_MEMORY]);
    assert_eq!(
        work_of(&[call("Date", &["now"], ""), call("entries", &["filter"], "")]),
        [IN_MEMORY]
    );
    assert_eq!(
        work_of(&[
            call("", &["processDueReminders"], ""),
            call("log", &["info"], "")
        ]),
        ["logging", UNKNOWN]
    );
}

#[test]
fn value_building_macros_configuration_reads_and_spawn_helpers_do_no_work() {
    assert_eq!(
        work_of(&[
            call("", &["format!"], ""),
            call("", &["try_join!"], ""),
            call("", &["params!"], ""),
            call("this", &["configurationService", "get"], "FEATURE"),
            call("", &["spawn_ignoring_shutdown"], ""),
            call("", &["Number"], "slots"),
        ]),
        [IN_MEMORY]
    );
    // Only a macro's name is read as a macro: a `write` method stays unexplained.
    assert_eq!(work_of(&[call("conn", &["write"], "")]), [UNKNOWN]);
}

#[test]
fn a_method_named_for_analytics_is_no_usage_report() {
    // Resetting what members see is work on their data, not a report about the instance.
    assert_eq!(
        work_of(&[call("this", &["userService", "resetAnalytics"], "")]),
        [UNKNOWN]
    );
    assert_eq!(
        work_of(&[call("client", &["sendAnalytics"], "")]),
        ["usage-analytics"]
    );
}

#[test]
fn same_file_functions_are_followed() {
    let mut lookup = |name: &str| match name {
        "cleanup" => Some(vec![call("log", &["debug"], ""), call("", &["sweep"], "")]),
        "sweep" => Some(vec![call("cache", &["delete"], "key")]),
        "expire" => Some(vec![call("db", &["query"], "DELETE")]),
        "tick" => Some(vec![
            call("", &["tick"], ""),
            call("timer", &["refresh"], ""),
        ]),
        "purgeOrders" => Some(vec![call("db", &["purgeOrders"], "")]),
        _ => None,
    };
    let quiet = classify(&[call("this", &["cleanup"], "")], &mut lookup);
    assert_eq!(
        quiet.kinds.into_iter().collect::<Vec<_>>(),
        ["logging", "own-cache"]
    );
    let shared = classify(&[call("", &["expire"], "")], &mut lookup);
    assert!(shared.kinds.contains("database"));
    // A function that calls itself does nothing more by doing so.
    let recursive = classify(&[call("", &["tick"], "")], &mut lookup);
    assert_eq!(
        recursive.kinds.into_iter().collect::<Vec<_>>(),
        ["own-cache"]
    );
    // `db.purgeOrders()` inside `purgeOrders`: the database's method of the same name.
    let wrapper = classify(&[call("", &["purgeOrders"], "")], &mut lookup);
    assert!(wrapper.kinds.contains("database"), "{wrapper:?}");
}

#[test]
fn deep_or_huge_bodies_are_unknown() {
    let mut chain = |name: &str| {
        let n: usize = name.strip_prefix('f')?.parse().ok()?;
        Some(vec![call("", &[&format!("f{}", n + 1)], "")])
    };
    let deep = classify(&[call("", &["f0"], "")], &mut chain);
    assert!(deep.kinds.contains(UNKNOWN));
    let many: Vec<Call> = (0..MAX_CALLS + 1)
        .map(|_| call("log", &["info"], ""))
        .collect();
    assert!(classify(&many, &mut |_| None).kinds.contains(UNKNOWN));
}

#[test]
fn method_names_lose_async_and_underscores() {
    assert_eq!(plain_method("RefreshAsync"), "refresh");
    assert_eq!(plain_method("run_pending"), "runpending");
    assert_eq!(plain_method("info!"), "info");
    assert_eq!(plain_method("Async"), "async");
}

#[test]
fn only_the_targets_a_work_only_rule_matches_ask_for_work() {
    let t = |s: &str| vec![s.to_string()];
    // Outside an engine's lint every event asks (frontend unit tests classify all).
    assert!(wanted(t("express.get").iter()));
    let targets = WorkTargets::new(["*.setInterval", "node-cron.schedule", "@nestjs/*"]);
    with_targets(std::sync::Arc::new(targets), || {
        assert!(wanted(t("globalThis.setInterval").iter()));
        assert!(wanted(t("node-cron.schedule").iter()));
        assert!(wanted(t("@nestjs/schedule.Cron").iter()));
        assert!(!wanted(t("express.get").iter()));
    });
    assert!(wanted(t("express.get").iter()), "restored afterwards");
}

#[test]
fn coordination_is_found_whatever_else_the_body_does() {
    // A lease taken before the database work: the body does both kinds.
    assert_eq!(
        work_of(&[
            call(
                "this",
                &["_electionStore", "getElection"],
                "\"purge\" 1800000"
            ),
            call("db", &["execute"], "DELETE FROM docs"),
        ]),
        ["coordinated", "database"]
    );
    // Rows claimed atomically, named by the query's text.
    assert_eq!(
        work_of(&[call(
            "",
            &["query!"],
            "SELECT id FROM mentions FOR UPDATE SKIP LOCKED"
        )]),
        ["coordinated"]
    );
    assert_eq!(
        work_of(&[call("", &["ensure_consumer_group"], "redis")]),
        ["coordinated"]
    );
    // A process-local try-lock coordinates nothing.
    assert_eq!(work_of(&[call("state", &["try_lock"], "")]), [UNKNOWN]);
}

#[test]
fn a_chain_ending_in_a_count_only_counts() {
    assert_eq!(
        work_of(&[call(
            "manager",
            &["createQueryBuilder", "from", "where", "getCount"],
            "\"users\""
        )]),
        ["counting"]
    );
    assert_eq!(
        work_of(&[call("this", &["prisma", "user", "count"], "")]),
        ["counting"]
    );
    // The same query builder deleting rows is database work.
    assert_eq!(
        work_of(&[call(
            "manager",
            &["createQueryBuilder", "delete", "execute"],
            ""
        )]),
        ["database"]
    );
}

#[test]
fn functions_of_other_files_doing_shared_work_are_callees() {
    let body = [
        call("", &["deliver_pending"], "pool"),
        call("outbox", &["claimNext"], ""),
        call("", &["info!"], "tick"),
        call("", &["local_helper"], ""),
    ];
    let mut lookup =
        |name: &str| (name == "local_helper").then(|| vec![call("", &["send_report"], "")]);
    let work = classify(&body, &mut lookup);
    let callees: Vec<&str> = work.callees.iter().map(String::as_str).collect();
    // Logging is this process's own; the same file's helper is followed, its callee kept.
    assert_eq!(callees, ["claimNext", "deliver_pending", "send_report"]);
}

#[test]
fn claiming_words_in_strings_and_names() {
    let k = kinds().expect("kinds.toml is valid");
    assert!(k.claims_text("SELECT id FROM jobs LIMIT 1 FOR UPDATE SKIP LOCKED"));
    assert!(k.claims_text("SELECT pg_try_advisory_xact_lock(42)"));
    assert!(!k.claims_text("SELECT id FROM jobs WHERE locked = false"));
    assert!(k.claims_call("acquireLock"));
    assert!(k.claims_call("pg_try_advisory_lock"));
    // A word inside another word is not the word.
    assert!(!k.claims_call("getSelection"));
    assert!(!k.claims_call("blockUser"));
}

#[test]
fn another_files_functions_are_left_to_the_project() {
    let body = [
        call("Logger", &["info"], "tick"),
        call("this", &["store", "flushQueue"], ""),
        call("_watchdog", &["Check"], ""),
        call("", &["pruneIdle"], ""),
    ];
    let work = classify(&body, &mut |_| None);
    assert_eq!(
        work.pending.iter().map(String::as_str).collect::<Vec<_>>(),
        ["flushQueue", "pruneIdle", "watchdog.Check"]
    );
    assert!(!work.unknown_here);
    let rest: Vec<&str> = work.kinds_but_pending().unwrap().collect();
    assert_eq!(rest, ["logging"]);
    // A receiver that names nothing leaves nothing to look up.
    let odd = classify(&[call("items[0]", &["run"], "")], &mut |_| None);
    assert!(odd.unknown_here && odd.pending.is_empty());
    // A definition's own work: kinds, and the names its calls leave to the project.
    let own = direct(&body, &|name| name == "pruneIdle");
    assert_eq!(own.kinds.iter().collect::<Vec<_>>(), ["logging"]);
    assert_eq!(own.callees.len(), 3);
    // Rust: a module's function by the module's name, `crate::`/`super::` by its own.
    let rust = [
        call("crate::rooms", &["sweep"], "table"),
        call("super", &["settle"], ""),
    ];
    let work = classify(&rust, &mut |_| None);
    assert_eq!(
        work.pending.iter().map(String::as_str).collect::<Vec<_>>(),
        ["rooms.sweep", "settle"]
    );
}

#[test]
fn a_plain_select_only_reads_into_memory() {
    assert_eq!(
        work_of(&[
            call("pool", &["query"], "SELECT key, value FROM settings"),
            call("_db", &["Open"], ""),
        ]),
        ["database-read"]
    );
    // A read that writes, or a function called in a SELECT, is database work.
    for sql in [
        "SELECT id FROM jobs FOR UPDATE",
        "SELECT purge_expired()",
        "INSERT INTO stats SELECT count(*) FROM renders",
        "UPDATE users SET online = false WHERE id IN (SELECT id FROM users)",
    ] {
        assert_eq!(
            work_of(&[call("pool", &["query"], sql)]),
            ["database"],
            "{sql}"
        );
    }
}

#[test]
fn queue_pops_and_receives_claim_their_items() {
    for c in [
        call("redis", &["brpoplpush"], "render queue"),
        call("conn", &["blmove"], "queue"),
        call("sqs", &["send"], "new ReceiveMessageCommand QueueUrl"),
        call("_sqs", &["ReceiveMessageAsync"], "request"),
        call("channel", &["ack"], "message"),
    ] {
        assert!(
            work_of(std::slice::from_ref(&c)).contains(&"coordinated".to_string()),
            "{c:?}"
        );
    }
}

#[test]
fn renewing_a_key_and_closing_own_handles_are_own_work() {
    assert_eq!(
        work_of(&[call("redis", &["pexpire"], "LEASE_KEY")]),
        ["lock-renewal"]
    );
    assert_eq!(
        work_of(&[call("db", &["KeyExpireAsync"], "lease key")]),
        ["lock-renewal"]
    );
    assert_eq!(
        work_of(&[call("entry.page", &["close"], "")]),
        ["own-resources"]
    );
    assert_eq!(
        work_of(&[call("child", &["start_kill"], "")]),
        ["own-resources"]
    );
    // A database handle's close is still the database's kind.
    assert_eq!(work_of(&[call("db", &["close"], "")]), ["database"]);
}

#[test]
fn a_compound_receiver_is_what_its_last_word_says() {
    assert_eq!(
        work_of(&[call("this.poolGauge", &["set"], "idle")]),
        ["metrics"]
    );
    // A path's segments are not one compound word: `prisma.session` is a table.
    assert_eq!(
        work_of(&[call("prisma.session", &["deleteMany"], "")]),
        ["database"]
    );
}

#[test]
fn a_same_file_function_named_for_its_heartbeat_writes_its_own_row() {
    let mut lookup = |name: &str| {
        (name == "WriteHeartbeatAsync" || name == "renewSubscriptions")
            .then(|| vec![call("conn", &["ExecuteAsync"], "INSERT INTO t")])
    };
    let heartbeat = classify(&[call("", &["WriteHeartbeatAsync"], "")], &mut lookup);
    assert_eq!(
        heartbeat.kinds.into_iter().collect::<Vec<_>>(),
        ["lock-renewal"]
    );
    // `renew` alone names no lease: the function is judged by its calls.
    let renewal = classify(&[call("this", &["renewSubscriptions"], "")], &mut lookup);
    assert_eq!(renewal.kinds.into_iter().collect::<Vec<_>>(), ["database"]);
}

#[test]
fn a_same_file_function_named_for_mailing_sends_mail() {
    let mut lookup =
        |name: &str| (name == "send_mail").then(|| vec![call("tracing", &["info!"], "to")]);
    let work = classify(&[call("", &["send_mail"], "email")], &mut lookup);
    assert_eq!(
        work.kinds.into_iter().collect::<Vec<_>>(),
        ["email", "logging"]
    );
}

#[test]
fn a_blocking_wait_on_a_task_does_the_work_it_waits_for() {
    // `_store.MarkRemindedAsync().Wait()`: the project decides what the store's call does.
    let waited = classify(
        &[call("_store", &["MarkRemindedAsync", "Wait"], "")],
        &mut |_| None,
    );
    assert_eq!(
        waited.pending.iter().collect::<Vec<_>>(),
        ["MarkRemindedAsync"]
    );
    assert_eq!(
        work_of(&[call(
            "_db",
            &["SaveChangesAsync", "GetAwaiter", "GetResult"],
            ""
        )]),
        ["database"]
    );
    // A wait alone is still a wait.
    assert_eq!(work_of(&[call("_gate", &["Wait"], "")]), ["waiting"]);
}

#[test]
fn an_orm_query_that_ends_in_a_read_only_reads_into_memory() {
    for (receiver, methods) in [
        ("_db.Settings", &["AsNoTracking", "ToListAsync"][..]),
        ("prisma.flag", &["findMany"]),
        (
            "this.flagRepository",
            &["createQueryBuilder", "where", "getMany"],
        ),
        ("Flag", &["findById", "lean"]),
        ("settings::table", &["filter", "load"]),
    ] {
        assert_eq!(
            work_of(&[call(receiver, methods, "")]),
            ["database-read"],
            "{receiver}"
        );
    }
    // A chain that writes before it reads, or names a write, is database work.
    for (receiver, methods, args) in [
        ("Flag", &["findOneAndUpdate", "lean"][..], ""),
        ("diesel", &["insert_into", "values", "get_result"], ""),
        (
            "db",
            &["prepare", "all"],
            "UPDATE jobs SET taken = 1 RETURNING id",
        ),
    ] {
        assert_eq!(
            work_of(&[call(receiver, methods, args)]),
            ["database"],
            "{receiver}"
        );
    }
    // Reading, then mailing what was read, is shared work.
    assert_eq!(
        work_of(&[
            call("prisma.reminder", &["findMany"], ""),
            call("mailer", &["sendMail"], ""),
        ]),
        ["database-read", "email"]
    );
}

#[test]
fn a_chain_ends_at_its_last_name_that_is_not_neutral() {
    assert_eq!(
        work_of(&[call(
            "rates::table",
            &["filter", "load", "unwrap_or_default"],
            ""
        )]),
        ["database-read"]
    );
    assert_eq!(
        work_of(&[call(
            "diesel",
            &["update", "set", "get_results", "unwrap"],
            ""
        )]),
        ["database"]
    );
    // A neutral name after the read that removes is a write (`find(..).remove()`).
    assert_eq!(
        work_of(&[call("db.sessions", &["find", "remove"], "")]),
        ["database"]
    );
}

#[test]
fn conditional_updates_that_flip_what_they_test_claim_their_rows() {
    let k = kinds().expect("kinds.toml is valid");
    assert!(k.claims_text(
        "UPDATE jobs SET state = 'running', owner = $1 WHERE state = 'queued' RETURNING id"
    ));
    assert!(k.claims_text(
        r#"update "jobs" set "locked_at" = now() where locked_at is null returning *"#
    ));
    // No `RETURNING`: nothing says which rows this instance got.
    assert!(!k.claims_text("UPDATE jobs SET state = 'running' WHERE state = 'queued'"));
    // The column tested is not the one set.
    assert!(!k.claims_text("UPDATE users SET online = false WHERE last_seen < now() RETURNING id"));
    // A subquery picks the same rows for every instance.
    assert!(!k.claims_text(
        "UPDATE invoices SET reminded = true WHERE id IN (SELECT id FROM invoices WHERE reminded = false) RETURNING id"
    ));
    // The value reads the column: each instance adds its own step.
    assert!(!k.claims_text("UPDATE quotas SET used = used - 1 WHERE used > 0 RETURNING used"));
    let claim = call(
        "Job",
        &["findOneAndUpdate", "lean"],
        "{ status: 'queued' }, { $set: { status: 'running', owner: me } }, { new: true }",
    );
    assert_eq!(work_of(&[claim]), ["coordinated"]);
    let bump = call(
        "Job",
        &["findOneAndUpdate"],
        "{ kind: 'count' }, { $inc: { runs: 1 }, $set: { owner: me } }",
    );
    assert_ne!(work_of(&[bump]), ["coordinated"]);
    // The same arguments on another method are no claim.
    let update = call(
        "Job",
        &["updateMany"],
        "{ status: 'queued' }, { $set: { status: 'x' } }",
    );
    assert_ne!(work_of(&[update]), ["coordinated"]);
}

#[test]
fn fields_named_for_working_objects_stay_called_names() {
    assert!(names_working_object("reverseShareService"));
    assert!(names_working_object("_commandQueue"));
    assert!(!names_working_object("pending"));
    assert!(!names_working_object("peers"));
    assert!(is_neutral_method("clear"));
    assert!(!is_neutral_method("send"));
}

#[test]
fn draining_a_buffer_others_fill_is_each_instance_s_own_unless_the_body_fills_it() {
    // The batch comes out of this process's buffer, whatever is done with it then.
    assert_eq!(
        work_of(&[
            call("_buffer", &["TakeAll"], ""),
            call("_client", &["BulkSendAsync"], "rows"),
        ]),
        ["own-buffer", UNKNOWN]
    );
    assert_eq!(
        work_of(&[call("_pending", &["TryDequeue"], "out var item")]),
        ["own-buffer"]
    );
    // A plain dequeue, and a body that queues the items it takes, drain what every
    // instance makes.
    assert_eq!(work_of(&[call("taskQueue", &["Dequeue"], "")]), [UNKNOWN]);
    assert_eq!(
        work_of(&[
            call("_jobs", &["Enqueue"], "due"),
            call("_jobs", &["TryDequeue"], "out var job"),
        ]),
        ["queue"]
    );
    // Its words claim nothing for the callers of another file's function.
    let k = kinds().expect("kinds.toml is valid");
    assert!(!k.claims_call("TryDequeue"));
}

#[test]
fn metrics_services_and_meters_are_this_instance_s_metrics() {
    assert_eq!(
        work_of(&[call("opentelemetry::global", &["meter"], "jobs")]),
        ["metrics"]
    );
    assert_eq!(
        work_of(&[call(
            "cloudWatchClient",
            &["send"],
            "new PutMetricDataCommand"
        )]),
        ["metrics"]
    );
    // Another client's send stays unexplained.
    assert_eq!(work_of(&[call("partnerClient", &["send"], "")]), [UNKNOWN]);
}
