"""`scaleout lsp` under pytest-lsp, with the capabilities of real editors."""

import os
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

BIN = os.environ["SCALEOUT_BIN"]
# Non-ASCII before the finding: 'ï' is one UTF-16 unit, '😀' two.
SOURCE = (
    "import { tick } from './tick';\n"
    "\n"
    "export function start() {\n"
    "    const note = 'naïve 😀'; setInterval(tick, 60_000);\n"
    "}\n"
)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def offset(text: str, position: types.Position) -> int:
    """The string index of an LSP position (UTF-16 code units)."""
    lines = text.split("\n")
    index = sum(len(line) + 1 for line in lines[: position.line])
    units = 0
    for ch in lines[position.line]:
        if units >= position.character:
            break
        units += utf16_len(ch)
        index += 1
    return index


def apply(text: str, edit: types.TextEdit) -> str:
    start, end = offset(text, edit.range.start), offset(text, edit.range.end)
    return text[:start] + edit.new_text + text[end:]


@pytest.fixture
def workspace(tmp_path: pathlib.Path) -> pathlib.Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "jobs.ts").write_text(SOURCE, encoding="utf-8")
    return tmp_path


async def start(client: LanguageClient, client_name: str, workspace: pathlib.Path) -> None:
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=pytest_lsp.client_capabilities(client_name),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
        )
    )
    assert result.server_info.name == "scaleout"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "lsp"]))
async def vscode(lsp_client: LanguageClient, workspace: pathlib.Path):
    """VS Code's capabilities: pushed diagnostics, dynamically registered file watchers."""
    lsp_client.registrations = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        lsp_client.registrations.extend(params.registrations)

    await start(lsp_client, "visual-studio-code", workspace)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[BIN, "lsp"]))
async def neovim(lsp_client: LanguageClient, workspace: pathlib.Path):
    """Neovim 0.11's capabilities: pulled diagnostics."""
    await start(lsp_client, "neovim@v0.11.0", workspace)
    yield
    await lsp_client.shutdown_session()


def open_jobs(client: LanguageClient, workspace: pathlib.Path) -> str:
    uri = (workspace / "src" / "jobs.ts").as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="typescript", version=1, text=SOURCE)
        )
    )
    return uri


def check_timer(diagnostic: types.Diagnostic) -> None:
    line = SOURCE.split("\n")[3]
    start = utf16_len(line[: line.index("setInterval")])
    assert start == 29
    assert diagnostic.code == "node-set-interval"
    assert diagnostic.source == "scaleout"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.range.start == types.Position(line=3, character=start)
    assert diagnostic.range.end == types.Position(line=3, character=start + len("setInterval(tick, 60_000)"))
    assert "Instead:" in diagnostic.message
    assert diagnostic.code_description.href.endswith("/docs/rules/node-set-interval.md")


async def quick_fix(client: LanguageClient, uri: str, diagnostic: types.Diagnostic) -> types.CodeAction:
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    titles = [a.title for a in actions]
    assert titles == [
        "Suppress node-set-interval on this line",
        "Suppress node-set-interval in this file",
        "Show documentation for node-set-interval",
    ]
    return actions[0]


async def test_pushed_diagnostic_quick_fix_and_hover(vscode: LanguageClient, workspace: pathlib.Path):
    client = vscode
    uri = open_jobs(client, workspace)
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    [diagnostic] = client.diagnostics[uri]
    check_timer(diagnostic)

    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=diagnostic.range.start)
    )
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.contents.value.startswith("**node-set-interval**")
    assert "#### Use instead" in hover.contents.value

    action = await quick_fix(client, uri, diagnostic)
    [edit] = action.edit.changes[uri]
    text = apply(SOURCE, edit)
    assert text.split("\n")[3] == (
        "    // scaleout: ignore[node-set-interval] -- TODO: explain why this is safe with several instances"
    )
    assert text.split("\n")[4] == SOURCE.split("\n")[3]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert len(client.diagnostics[uri]) == 0

    # The documentation command opens the rule's documentation in the client.
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="scaleout.showDocumentation", arguments=["node-set-interval"])
    )
    assert [d.uri.endswith("/docs/rules/node-set-interval.md") for d in client.shown_documents] == [True]

    # Back to the original text with a full-document change: the diagnostic returns.
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=SOURCE)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert len(client.diagnostics[uri]) == 1

    [watch] = client.registrations
    assert watch.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    assert {"**/package.json", "**/Cargo.toml", "**/*.csproj"} <= {w["globPattern"] for w in watch.register_options["watchers"]}

    # The package becomes a CLI tool's: the server re-lints when told the manifest changed.
    manifest = workspace / "package.json"
    manifest.write_text('{ "name": "jobs-cli", "bin": "cli.js" }', encoding="utf-8")
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=manifest.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert len(client.diagnostics[uri]) == 0

    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert len(client.diagnostics[uri]) == 0


async def test_pulled_diagnostic_and_quick_fix(neovim: LanguageClient, workspace: pathlib.Path):
    client = neovim
    uri = open_jobs(client, workspace)

    async def pull() -> list[types.Diagnostic]:
        report = await client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert report.kind == "full"
        return report.items

    [diagnostic] = await pull()
    check_timer(diagnostic)
    action = await quick_fix(client, uri, diagnostic)
    [edit] = action.edit.changes[uri]
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=edit.range, text=edit.new_text)],
        )
    )
    assert len(await pull()) == 0
    assert uri not in client.diagnostics, "a client that pulls gets nothing pushed"
