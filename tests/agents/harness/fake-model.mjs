// A scripted stand-in for the Anthropic Messages API, bound to 127.0.0.1, so that the real Claude Code
// CLI can run whole sessions offline: it plays a scenario turn by turn, streaming as the real API does.
//
//   SCENARIO=path.json [PORT=0] [REQUEST_LOG=path] node fake-model.mjs
// Prints "listening <port>" on stdout once ready. PORT=0 (the default) takes a free loopback port, so
// several tests can each run their own model at once.
// With REQUEST_LOG set, each request is logged as one JSON line with its arrival and answer times
// (ms, wall clock) and, for main-loop requests, which prompt and how many tool results it carries: the
// gap between answering a tool call and the next request is the time the agent spent on that tool,
// hooks included (tests/agents/harness/hook-timing.sh).
//
// A scenario is {"prompts": [{"prompt": "...", "turns": [turn, ...]}, ...]}; a turn is a list of blocks:
//   {"type":"text","text":"..."}  {"type":"thinking","thinking":"..."}
//   {"type":"tool_use","name":"Write","input":{...}}
// Each prompt is one user message (the first starts the session, later ones resume it); an entry with
// "subagent": true is not sent by the runner but answers the sub-agent conversation that the Agent tool
// starts with that prompt text. Within a prompt,
// the turn played is the number of tool results after that prompt's user message, so each tool
// round-trip advances one turn. __CWD__ in inputs becomes SCENARIO_CWD (the session's directory).
import http from 'node:http';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

const now = () => performance.timeOrigin + performance.now();

const scenario = JSON.parse(fs.readFileSync(process.env.SCENARIO, 'utf8'));
const cwd = process.env.SCENARIO_CWD || process.cwd();
const requestLog = process.env.REQUEST_LOG;
const prompts = JSON.parse(JSON.stringify(scenario.prompts).replaceAll('__CWD__', cwd));
let counter = 0;

const textOf = m => (typeof m.content === 'string' ? m.content
  : (m.content || []).filter(b => b.type === 'text').map(b => b.text).join('\n'));

// Responses API (Codex) requests carry "input" items; turn them into the same message shape.
function messagesOf(body) {
  if (body.messages) return body.messages;
  return (body.input || []).map(item => {
    if (item.type === 'function_call_output' || item.type === 'custom_tool_call_output')
      return { role: 'user', content: [{ type: 'tool_result' }] };
    if (item.type === 'message' || item.role)
      return { role: item.role, content: (Array.isArray(item.content) ? item.content : [{ text: String(item.content) }])
        .map(c => ({ type: 'text', text: c.text || '' })) };
    return { role: 'other', content: [] };
  });
}

// Which prompt the conversation is in, and how many tool results came back since that prompt.
function position(body) {
  const messages = messagesOf(body);
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role !== 'user') continue;
    const text = textOf(messages[i]);
    for (let p = prompts.length - 1; p >= 0; p--) {
      if (!text.includes(prompts[p].prompt)) continue;
      let results = 0;
      for (const m of messages.slice(i + 1))
        if (Array.isArray(m.content)) for (const b of m.content) if (b.type === 'tool_result') results++;
      return { prompt: p, results };
    }
  }
  return { prompt: 0, results: 0 };
}

function blocksFor(body) {
  const mainLoop = Array.isArray(body.tools) && body.tools.length > 0 && !(body.text && body.text.format && body.text.format.type === 'json_schema');
  if (!mainLoop) return [{ type: 'text', text: scenario.title || 'Scripted session' }];
  const { prompt, results } = position(body);
  const turns = prompts[prompt].turns;
  const turn = turns[Math.min(results, turns.length - 1)];
  return turn.map(b => (b.type === 'tool_use' ? { ...b, id: `toolu_${String(++counter).padStart(4, '0')}` } : b));
}

function send(res, event, data) {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function stream(res, id, model, blocks, stopReason, usage) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': id.replace('msg_', 'req_') });
  send(res, 'message_start', { type: 'message_start', message: { id, type: 'message', role: 'assistant', model,
    content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } });
  blocks.forEach((b, index) => {
    if (b.type === 'text') {
      send(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      send(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: b.text } });
    } else if (b.type === 'thinking') {
      send(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      send(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: b.thinking } });
      send(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: 'c2NyaXB0ZWQ=' } });
    } else {
      send(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: b.id, name: b.name, input: {} } });
      send(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(b.input) } });
    }
    send(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  send(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.output_tokens } });
  send(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

// OpenAI Responses API streaming, as Codex reads it: output items, then response.completed with usage.
function streamResponses(res, id, model, blocks, usage) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let seq = 0;
  const ev = (type, data) => send(res, type, { type, sequence_number: seq++, ...data });
  ev('response.created', { response: { id, object: 'response', status: 'in_progress', model, output: [] } });
  const output = [];
  blocks.forEach((b, index) => {
    let item;
    if (b.type === 'text') {
      item = { type: 'message', id: `msg_${id}_${index}`, role: 'assistant', status: 'completed',
        content: [{ type: 'output_text', text: b.text, annotations: [] }] };
      ev('response.output_item.added', { output_index: index, item: { ...item, content: [], status: 'in_progress' } });
      ev('response.output_text.delta', { output_index: index, item_id: item.id, content_index: 0, delta: b.text });
    } else if (b.type === 'thinking') {
      item = { type: 'reasoning', id: `rs_${id}_${index}`, summary: [{ type: 'summary_text', text: b.thinking }] };
      ev('response.output_item.added', { output_index: index, item });
    } else if (b.kind === 'custom') {
      item = { type: 'custom_tool_call', id: `ctc_${id}_${index}`, call_id: b.id, name: b.name, input: b.input, status: 'completed' };
      ev('response.output_item.added', { output_index: index, item });
    } else {
      item = { type: 'function_call', id: `fc_${id}_${index}`, call_id: b.id, name: b.name,
        arguments: JSON.stringify(b.input), status: 'completed' };
      ev('response.output_item.added', { output_index: index, item });
    }
    ev('response.output_item.done', { output_index: index, item });
    output.push(item);
  });
  ev('response.completed', { response: { id, object: 'response', status: 'completed', model, output,
    usage: { input_tokens: usage.input_tokens + usage.cache_read_input_tokens,
      input_tokens_details: { cached_tokens: usage.cache_read_input_tokens },
      output_tokens: usage.output_tokens, output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: usage.input_tokens + usage.cache_read_input_tokens + usage.output_tokens } } });
  res.end();
}

const server = http.createServer((req, res) => {
  let raw = '';
  req.on('data', chunk => (raw += chunk));
  req.on('end', () => {
    let body = {};
    try { body = JSON.parse(raw || '{}'); } catch { /* not JSON: answered below */ }
    if (requestLog) {
      const entry = { method: req.method, url: req.url, model: body.model, stream: body.stream,
        messages: (body.messages || body.input || []).length, tools: (body.tools || []).map(t => t.name || t.type),
        t_recv: now() };
      if (Array.isArray(body.tools) && body.tools.length > 0) Object.assign(entry, position(body));
      res.on('finish', () => { entry.t_sent = now(); fs.appendFileSync(requestLog, JSON.stringify(entry) + '\n'); });
    }
    const json = (code, obj) => { res.writeHead(code, { 'content-type': 'application/json' }); res.end(JSON.stringify(obj)); };
    if (req.method === 'GET' && req.url.startsWith('/v1/models')) return json(200, { object: 'list', data: [], models: [] });
    if (req.method === 'POST' && req.url.startsWith('/v1/responses')) {
      const usage = { input_tokens: 120 + counter, output_tokens: 40, cache_read_input_tokens: 2000 + 100 * counter };
      return streamResponses(res, `resp_scripted_${String(++counter).padStart(4, '0')}`, body.model, blocksFor(body), usage);
    }
    if (req.method !== 'POST' || !req.url.startsWith('/v1/messages')) return json(200, {});
    if (req.url.startsWith('/v1/messages/count_tokens')) return json(200, { input_tokens: 1000 });
    const blocks = blocksFor(body);
    const id = `msg_scripted_${String(++counter).padStart(4, '0')}`;
    const stopReason = blocks.some(b => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
    const usage = { input_tokens: 120 + counter, output_tokens: 30 + blocks.length * 10,
      cache_read_input_tokens: 2000 + 100 * counter, cache_creation_input_tokens: 40 };
    if (!body.stream) res.setHeader('request-id', id.replace('msg_', 'req_'));
    if (!body.stream) return json(200, { id, type: 'message', role: 'assistant', model: body.model, content: blocks,
      stop_reason: stopReason, stop_sequence: null, usage });
    stream(res, id, body.model, blocks, stopReason, usage);
  });
});
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`));
