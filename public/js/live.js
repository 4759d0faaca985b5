// Live updates: one EventSource on /api/events for the whole page (the browser reconnects by itself
// and sends Last-Event-ID, so nothing is missed across a drop). Views subscribe to event types and
// are told the parsed payload; a view's subscriptions end when it is replaced.
let source = null;
let subscribers = [];

function connect() {
  if (source) return;
  source = new EventSource('/api/events', { withCredentials: true });
  source.onmessage = (ev) => deliver('message', ev);
  for (const type of ['case', 'mention', 'alert', 'reply']) source.addEventListener(type, (ev) => deliver(type, ev));
}

function deliver(type, ev) {
  let data = null;
  try {
    data = JSON.parse(ev.data);
  } catch {
    return;
  }
  for (const s of subscribers) if (s.types.includes(type) || s.types.includes(data?.type)) s.fn(data, type);
}

/** Calls fn(payload) for events of these types until the view changes; returns nothing to clean up. */
export function onLive(types, fn) {
  connect();
  subscribers.push({ types, fn });
}

/** Called by the router before a view renders: the previous view's subscriptions end. */
export function resetLive() {
  subscribers = [];
}

/** Logging out closes the stream (the next login opens a new one with the new session). */
export function closeLive() {
  source?.close();
  source = null;
  subscribers = [];
}

/** Runs fn at most once per `ms`, after the last call: a burst of events costs one refresh. */
export function debounce(fn, ms = 300) {
  let timer = null;
  return () => {
    clearTimeout(timer);
    timer = setTimeout(fn, ms);
  };
}
