// Timing helpers the browser benchmarks share.

/** Installed in every page (an init script): `window.__measure(act, done)` runs `act`
 * and resolves when `done()` holds, with the time until the DOM mutation that made
 * it hold (`dom`) and until the frame that paints it (`frame`); a step that never
 * completes within 20 s resolves with `failed` (where the page was, what it showed).
 * `window.__longest` is the longest task seen so far, `window.__longTasks` all of
 * them as [start, duration]. */
export function installMeasure() {
  window.__measure = (act, done) => new Promise((resolve) => {
    let finished = false;
    let t0 = 0;
    const check = () => {
      if (finished || !done()) return;
      finished = true;
      const dom = performance.now() - t0;
      observer.disconnect();
      requestAnimationFrame(() => resolve({ dom, frame: performance.now() - t0 }));
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    setTimeout(() => {
      if (finished) return;
      finished = true;
      observer.disconnect();
      const main = document.querySelector('main');
      resolve({ dom: NaN, frame: NaN, failed: `${location.pathname}${location.search}; page: ${main ? main.innerText.slice(0, 200) : 'none'}` });
    }, 20_000);
    t0 = performance.now();
    act();
    check();
  });
  window.__longest = 0;
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__longest = Math.max(window.__longest, e.duration);
      window.__longTasks.push([e.startTime, e.duration]);
    }
  }).observe({ type: 'longtask', buffered: true });
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
