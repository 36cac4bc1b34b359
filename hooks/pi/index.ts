// git-opentraces capture for Pi. `git opentraces setup pi` copies this package under
// $OPENTRACES_HOME/integrations/git-opentraces-pi/, stamps the binary path and version
// into the placeholders below, and lists the directory in Pi's settings "packages".
//
// Each forwarded event runs `git-opentraces hook pi <event>` with one JSON object on
// stdin: {event, session_id, session_file, cwd, timestamp, extension_version, ...fields}.
// The hook only appends to the opentraces spool and exits (a few ms), so a synchronous
// call keeps events in order and survives `pi -p` exiting right after agent_end.
// Nothing here may throw into Pi or print: capture never breaks the agent.
import { spawnSync } from "node:child_process";

const OT_BIN = "@OT_BIN@";
const OT_VERSION = "@OT_VERSION@";
const MAX_TEXT = 64 * 1024;

function clip(text: unknown): unknown {
  return typeof text === "string" && text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) + "\n[truncated]" : text;
}

function textOf(content: unknown): unknown {
  if (!Array.isArray(content)) return clip(content);
  return content.map((c: any) => (c && c.type === "text" ? { type: "text", text: clip(c.text) } : { type: c?.type }));
}

function send(event: string, ctx: any, fields: Record<string, unknown>): void {
  try {
    let sessionFile: unknown = null;
    let sessionId: unknown = null;
    try { sessionFile = ctx?.sessionManager?.getSessionFile?.() ?? null; } catch { /* ephemeral session */ }
    try { sessionId = ctx?.sessionManager?.getSessionId?.() ?? null; } catch { /* ephemeral session */ }
    const payload = {
      event,
      session_id: sessionId,
      session_file: sessionFile,
      cwd: ctx?.cwd ?? process.cwd(),
      timestamp: new Date().toISOString(),
      extension_version: OT_VERSION,
      ...fields,
    };
    spawnSync(OT_BIN, ["hook", "pi", event], {
      input: JSON.stringify(payload),
      stdio: ["pipe", "ignore", "ignore"],
      timeout: 5000,
      env: { ...process.env, OT_HOOK_VERSION: OT_VERSION },
    });
  } catch {
    /* the binary is missing or failed: skip silently, Pi goes on */
  }
}

export default function (pi: any) {
  pi.on("session_start", (e: any, ctx: any) => send("session_start", ctx, { reason: e?.reason ?? null }));
  pi.on("input", (e: any, ctx: any) => {
    send("input", ctx, { prompt: clip(e?.text), source: e?.source ?? null });
  });
  pi.on("model_select", (e: any, ctx: any) =>
    send("model_select", ctx, {
      model: e?.model ? { provider: e.model.provider, id: e.model.id } : null,
      source: e?.source ?? null,
    }));
  pi.on("tool_call", (e: any, ctx: any) => {
    send("tool_call", ctx, { tool_name: e?.toolName, tool_call_id: e?.toolCallId, tool_input: e?.input ?? {} });
  });
  pi.on("tool_result", (e: any, ctx: any) => {
    send("tool_result", ctx, {
      tool_name: e?.toolName,
      tool_call_id: e?.toolCallId,
      tool_input: e?.input ?? {},
      is_error: !!e?.isError,
      content: textOf(e?.content),
    });
  });
  pi.on("session_compact", (_e: any, ctx: any) => send("session_compact", ctx, {}));
  pi.on("agent_end", (e: any, ctx: any) =>
    send("agent_end", ctx, { message_count: Array.isArray(e?.messages) ? e.messages.length : null }));
  pi.on("session_shutdown", (e: any, ctx: any) => send("session_shutdown", ctx, { reason: e?.reason ?? null }));
}
