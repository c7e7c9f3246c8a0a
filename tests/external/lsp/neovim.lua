-- Neovim's built-in LSP client against `scaleout lsp` (run headless by lsp-neovim.sh):
-- the diagnostic appears at the right place with the right code, the quick fix is
-- applied through Neovim's own workspace-edit code, and the diagnostic goes away.
-- The exit status is the result: 0 passed, 1 failed (with a message on stdout).

local function fail(message)
  io.stdout:write("FAIL: " .. message .. "\n")
  vim.cmd("cq")
end

local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start({
  name = "scaleout",
  cmd = { os.getenv("SCALEOUT_BIN"), "lsp" },
  root_dir = vim.fn.getcwd(),
})
if not id then
  fail("the client did not start")
end

local function diagnostics()
  return vim.diagnostic.get(buf, { namespace = nil })
end

if not vim.wait(10000, function() return #diagnostics() > 0 end, 20) then
  fail("no diagnostic within 10 s")
end
local d = diagnostics()[1]
local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
-- Neovim converts the server's UTF-16 columns to byte columns: check it lands on the call.
if d.lnum ~= 3 or line:sub(d.col + 1, d.col + #"setInterval") ~= "setInterval" then
  fail(("diagnostic at %d:%d, line %q"):format(d.lnum, d.col, line))
end
if d.code ~= "node-set-interval" or d.source ~= "scaleout" then
  fail(("diagnostic code %s, source %s"):format(tostring(d.code), tostring(d.source)))
end

local client = vim.lsp.get_client_by_id(id)
local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
params.range = { start = { line = d.lnum, character = 0 }, ["end"] = { line = d.lnum, character = 0 } }
params.context = { diagnostics = {} }
local responses = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", params, 10000) or {}
local fix
for _, response in pairs(responses) do
  for _, action in ipairs(response.result or {}) do
    if action.title == "Suppress node-set-interval on this line" then
      fix = action
    end
  end
end
if not fix then
  fail("no 'Suppress node-set-interval on this line' code action")
end
vim.lsp.util.apply_workspace_edit(fix.edit, client.offset_encoding)

local inserted = vim.api.nvim_buf_get_lines(buf, 3, 4, false)[1]
local expected = "    // scaleout: ignore[node-set-interval] -- TODO: explain why this is safe with several instances"
if inserted ~= expected then
  fail(("inserted line %q"):format(inserted))
end
if not vim.wait(10000, function() return #diagnostics() == 0 end, 20) then
  fail("the diagnostic is still there after the quick fix")
end

vim.lsp.stop_client(id)
vim.wait(5000, function() return vim.lsp.get_client_by_id(id) == nil end, 20)
io.stdout:write("ok: diagnostic, quick fix applied, diagnostic gone\n")
vim.cmd("qa!")
