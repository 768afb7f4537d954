// Live messages on a conversation page: server-sent events, with polling as the fallback. Without
// JavaScript the page works the same; new messages then appear when it is reloaded.
const POLL_MS = 10_000;

export function enhanceThread(root: Document = document): void {
  const list = root.querySelector<HTMLOListElement>('ol[data-stream][data-poll]');
  if (!list) return;
  let last = Number(list.dataset.last || '0');

  // The server renders the <li> (escaping what people typed); only new ones are added, in order.
  const append = (html: string) => {
    const template = root.createElement('template');
    template.innerHTML = html;
    for (const item of Array.from(template.content.querySelectorAll<HTMLLIElement>('li[data-id]'))) {
      const id = Number(item.dataset.id);
      if (!(id > last) || root.getElementById(item.id)) continue;
      list.appendChild(item);
      last = id;
    }
  };

  const poll = async () => {
    try {
      const res = await fetch(`${list.dataset.poll}?apres=${last}`, { credentials: 'same-origin' });
      if (res.ok) append(await res.text());
    } catch {
      // Offline for a moment: the next round tries again.
    }
    setTimeout(() => void poll(), POLL_MS);
  };

  if (!('EventSource' in window)) {
    void poll();
    return;
  }
  const source = new EventSource(`${list.dataset.stream}?apres=${last}`);
  let failures = 0;
  source.addEventListener('messages', (event) => {
    failures = 0;
    append((event as MessageEvent<string>).data);
  });
  // The browser reconnects by itself (sending Last-Event-ID); after repeated failures, a proxy is
  // probably breaking the stream, and after an answer that is not a stream (a proxy's 502, a 404
  // once the session expired) the browser gives up at once: switch to polling in both cases.
  source.addEventListener('error', () => {
    failures++;
    if (
      source.readyState === EventSource.CLOSED ||
      (failures >= 3 && source.readyState !== EventSource.OPEN)
    ) {
      source.close();
      void poll();
    }
  });
}
