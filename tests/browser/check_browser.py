#!/usr/bin/env python3
"""Open a report in headless Chromium and check what a reader sees:

  check_browser.py REPORT_DIR SCREENSHOT.png [--trend NAME,NAME,...]
  check_browser.py --probe        exit 0 when Chromium is here, else 77

- the page loads with no console message, no script error and no failed or
  outside request (it must need nothing but itself);
- the map has one shape per county (15), each drawn with a visible size;
- the forest plot has one interval per county whose rate the table
  publishes (tables/county_estimates_YEAR.csv), plus the state's, and one
  model-based interval mark (open diamond, dashed line) per county whose
  model-based estimate the table publishes, each drawn with a size, with
  a legend naming both kinds; the map dots exactly the counties where the
  model-based estimate stands in for a hidden direct one;
- the headline and the county table are visible;
- no table is wider than its container, nor the page than the window, at
  1280 px on screen and in print emulation at the printable width of US
  Letter and A4 portrait;
- a full-page screenshot is saved to SCREENSHOT.png;
- with --trend (a report over several survey years): the trend chart has
  exactly one line per series named, in that order, each drawn with a
  visible size when it has a point, and the county table has its
  "change since" column.

Chromium is driven over the DevTools protocol on a pipe
(--remote-debugging-pipe): no port, no network, no package beyond Python's
standard library. Exit 0 pass, 1 fail, 77 skip (no Chromium here)."""
import base64
import csv
import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time

FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync',
         '--hide-scrollbars', '--remote-debugging-pipe']
TIMEOUT = 90


def find_chromium():
    for c in (os.environ.get('PREVALENCE_CHROMIUM'), '/usr/bin/chromium',
              shutil.which('chromium'), shutil.which('chromium-browser')):
        if c and os.access(c, os.X_OK):
            return c
    return None


class Browser:
    def __init__(self, exe, profile):
        cmd_r, self.cmd_w = os.pipe()
        self.ev_r, ev_w = os.pipe()

        def child_fds():
            # Chromium reads commands on fd 3 and writes on fd 4.
            a, b = os.dup(cmd_r), os.dup(ev_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([exe] + FLAGS + ['--user-data-dir=' + profile, 'about:blank'],
                                     preexec_fn=child_fds, close_fds=False,
                                     stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        os.close(cmd_r)
        os.close(ev_w)
        self.buf = b''
        self.next_id = 0
        self.events = []
        self.deadline = time.monotonic() + TIMEOUT

    def _read(self):
        left = self.deadline - time.monotonic()
        if left <= 0 or not select.select([self.ev_r], [], [], left)[0]:
            raise TimeoutError('Chromium did not answer in time')
        chunk = os.read(self.ev_r, 1 << 20)
        if not chunk:
            raise EOFError('Chromium closed the DevTools pipe')
        self.buf += chunk
        while b'\0' in self.buf:
            raw, self.buf = self.buf.split(b'\0', 1)
            yield json.loads(raw)

    def call(self, method, params=None, session=None):
        self.next_id += 1
        msg = {'id': self.next_id, 'method': method, 'params': params or {}}
        if session:
            msg['sessionId'] = session
        os.write(self.cmd_w, json.dumps(msg).encode() + b'\0')
        want = self.next_id
        while True:
            for m in self._read():
                if m.get('id') == want:
                    if 'error' in m:
                        raise RuntimeError(f'{method}: {m["error"]}')
                    return m['result']
                self.events.append(m)

    def wait_event(self, method):
        while not any(e.get('method') == method for e in self.events):
            for m in self._read():
                self.events.append(m)

    def close(self):
        try:
            self.call('Browser.close')
        except (OSError, RuntimeError, TimeoutError, EOFError):
            pass
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.cmd_w)
        os.close(self.ev_r)


PROBE = r"""
(() => {
  const box = e => { const b = e.getBBox(); return b.width > 0 && b.height > 0; };
  const rect = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  const counties = [...document.querySelectorAll('svg.map path.county')];
  const forest = [...document.querySelectorAll('svg.forest g.ci')];
  const model = [...document.querySelectorAll('svg.forest g.ci-model')];
  const legend = [...document.querySelectorAll('svg.forest g.legend')]
    .map(g => g.textContent).join(' ');
  const head = document.getElementById('headline');
  const table = document.getElementById('county-table');
  return {
    title: document.title,
    counties: counties.map(e => e.dataset.fips),
    countiesDrawn: counties.filter(box).length,
    shown: counties.filter(e => e.classList.contains('shown')).map(e => e.dataset.fips),
    intervals: forest.filter(e => !e.classList.contains('state')).map(e => e.dataset.fips),
    intervalsDrawn: forest.filter(box).length,
    stateInterval: forest.filter(e => e.classList.contains('state')).length,
    modelIntervals: model.map(e => e.dataset.fips),
    modelDrawn: model.filter(box).length,
    modelDashed: model.filter(e => e.querySelector('line[stroke-dasharray]') &&
                                   e.querySelector('path[fill="#fff"]')).length,
    legend: legend,
    mapModel: counties.filter(e => e.classList.contains('model')).map(e => e.dataset.fips),
    headline: head ? head.innerText : null,
    headlineVisible: head ? rect(head) : false,
    tableRows: table ? table.querySelectorAll('tbody tr').length : 0,
    trendSeries: [...document.querySelectorAll('svg.trend-chart g.trend-series')]
      .map(g => g.dataset.series),
    trendLines: [...document.querySelectorAll('svg.trend-chart path.trend-line')].map(e => ({
      series: e.parentNode.dataset.series,
      points: e.parentNode.querySelectorAll('circle.trend-point').length,
      drawn: e.getAttribute('d') === '' || box(e) || e.getAttribute('d').indexOf('L') < 0,
    })),
    changeCells: document.querySelectorAll('#change-table tbody td.change').length,
    figureText: (() => {
      // Every figure's text: no two boxes overlap, none renders below
      // 12 px, and each map label stays inside its county, or sits
      // outside the state tied to it by a leader line.
      const out = [];
      for (const svg of document.querySelectorAll('svg.forest, svg.map, svg.trend-chart')) {
        const kind = svg.getAttribute('class');
        const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() !== '');
        const boxes = texts.map(t => t.getBoundingClientRect());
        for (let i = 0; i < texts.length; i++) {
          const m = texts[i].getScreenCTM();   // a rotated label: the scale is |(a, b)|
          const px = parseFloat(getComputedStyle(texts[i]).fontSize) * Math.hypot(m.a, m.b);
          if (px < 11.95) out.push(`${kind}: '${texts[i].textContent}' at ${px.toFixed(1)} px`);
          for (let j = i + 1; j < texts.length; j++) {
            const a = boxes[i], b = boxes[j];
            if (a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
                a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
              out.push(`${kind}: '${texts[i].textContent}' overlaps '${texts[j].textContent}'`);
          }
        }
      }
      const map = document.querySelector('svg.map');
      if (map) {
        const pt = map.createSVGPoint();
        const inside = (path, x, y) => { pt.x = x; pt.y = y; return path.isPointInFill(pt); };
        const shapes = [...map.querySelectorAll('path.county')];
        for (const t of map.querySelectorAll('text.county-label')) {
          const fips = t.dataset.fips, own = map.querySelector(`path.county[data-fips="${fips}"]`);
          const b = t.getBBox();
          const corners = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height],
                           [b.x + b.width, b.y + b.height]];
          const leader = map.querySelector(`line.leader[data-fips="${fips}"]`);
          if (leader) {
            const x1 = +leader.getAttribute('x1'), y1 = +leader.getAttribute('y1');
            if (!inside(own, x1, y1))
              out.push(`map: the leader line of ${fips} does not start in its county`);
            if (corners.some(([x, y]) => shapes.some(p => inside(p, x, y))))
              out.push(`map: the outside label of ${fips} lies on a county`);
          } else if (!corners.every(([x, y]) => inside(own, x, y))) {
            out.push(`map: the label of ${fips} ('${t.textContent}') leaves its county`);
          }
        }
      }
      return out;
    })(),
    tableVisible: table ? rect(table) : false,
    width: document.documentElement.scrollWidth,
    height: document.documentElement.scrollHeight,
  };
})()
"""


# Every table against its container, and the page against the window: a
# table wider than the column it sits in scrolls sideways on screen and is
# cut off on paper.
LAYOUT = r"""
(() => {
  const out = [];
  for (const t of document.querySelectorAll('table')) {
    const c = t.parentElement;
    const right = t.getBoundingClientRect().right, limit = c.getBoundingClientRect().right;
    if (t.scrollWidth > c.clientWidth + 1 || right > limit + 1)
      out.push(`${t.id || 'a table'}: ${Math.round(t.scrollWidth)} px in ${c.clientWidth} px`);
  }
  const doc = document.documentElement;
  if (doc.scrollWidth > doc.clientWidth + 1)
    out.push(`the page: ${doc.scrollWidth} px in a ${doc.clientWidth} px window`);
  return out;
})()
"""

# Screen at 1280 px, and print (the @page margins of report.html, 15 mm):
# US Letter portrait 8.5 in - 30 mm = 703 px, A4 portrait 210 - 30 mm = 680 px.
LAYOUTS = [('screen at 1280 px', 'screen', 1280), ('print, US Letter portrait', 'print', 703),
           ('print, A4 portrait', 'print', 680)]


def check_layouts(browser, sid, failures):
    for name, media, width in LAYOUTS:
        browser.call('Emulation.setEmulatedMedia', {'media': media}, session=sid)
        browser.call('Emulation.setDeviceMetricsOverride',
                     {'width': width, 'height': 1000, 'deviceScaleFactor': 1, 'mobile': False},
                     session=sid)
        over = browser.call('Runtime.evaluate', {'expression': LAYOUT, 'returnByValue': True},
                            session=sid)['result']['value']
        for o in over:
            failures.append(f'{name}: overflows: {o}')
    browser.call('Emulation.setEmulatedMedia', {'media': ''}, session=sid)


def main():
    exe = find_chromium()
    if exe is None:
        print('SKIP: Chromium is not installed (apt-get install chromium); the browser '
              'test did not run')
        sys.exit(77)
    if sys.argv[1] == '--probe':
        sys.exit(0)
    folder, shot = sys.argv[1], sys.argv[2]
    trend = None
    if len(sys.argv) > 4 and sys.argv[3] == '--trend':
        trend = sys.argv[4].split(',')
    page = os.path.abspath(os.path.join(folder, 'report.html'))
    url = 'file://' + page
    table = [f for f in os.listdir(os.path.join(folder, 'tables'))
             if re.fullmatch(r'county_estimates_\d{4}\.csv', f)]
    with open(os.path.join(folder, 'tables', table[0]), newline='') as f:
        rows = list(csv.DictReader(f))
    published = sorted(r['fips'] for r in rows[:-1] if re.fullmatch(r'\d+\.\d', r['estimate_pct']))
    model = sorted(r['fips'] for r in rows[:-1]
                   if re.fullmatch(r'\d+\.\d', r.get('sae_estimate_pct', '')))
    model_only = sorted(set(model) - set(published))
    with open(page, encoding='utf-8') as f:
        page_text = f.read()
    ncounties = len(rows) - 1

    failures = []
    profile = tempfile.mkdtemp(prefix='prevalence-chromium-')
    browser = Browser(exe, profile)
    try:
        target = browser.call('Target.createTarget', {'url': 'about:blank'})['targetId']
        sid = browser.call('Target.attachToTarget', {'targetId': target, 'flatten': True})['sessionId']
        for domain in ('Runtime', 'Log', 'Page', 'Network'):
            browser.call(domain + '.enable', session=sid)
        browser.call('Emulation.setDeviceMetricsOverride',
                     {'width': 1280, 'height': 900, 'deviceScaleFactor': 1, 'mobile': False},
                     session=sid)
        browser.call('Page.navigate', {'url': url}, session=sid)
        browser.wait_event('Page.loadEventFired')
        probe = browser.call('Runtime.evaluate', {'expression': PROBE, 'returnByValue': True},
                             session=sid)['result']['value']
        check_layouts(browser, sid, failures)
        browser.call('Emulation.setDeviceMetricsOverride',
                     {'width': 1280, 'height': int(probe['height']), 'deviceScaleFactor': 1,
                      'mobile': False}, session=sid)
        png = browser.call('Page.captureScreenshot', {'format': 'png', 'captureBeyondViewport': True},
                           session=sid)['data']
        os.makedirs(os.path.dirname(os.path.abspath(shot)), exist_ok=True)
        with open(shot, 'wb') as f:
            f.write(base64.b64decode(png))
        for e in browser.events:
            p = e.get('params', {})
            m = e.get('method')
            if m == 'Runtime.consoleAPICalled':
                failures.append(f'console.{p["type"]}: ' +
                                ' '.join(str(a.get('value', a.get('description'))) for a in p['args']))
            elif m == 'Runtime.exceptionThrown':
                failures.append('script error: ' + p['exceptionDetails'].get('text', '?'))
            elif m == 'Log.entryAdded' and p['entry']['level'] in ('error', 'warning'):
                failures.append(f'{p["entry"]["source"]} {p["entry"]["level"]}: {p["entry"]["text"]}')
            elif m == 'Network.requestWillBeSent' and p['request']['url'] != url:
                failures.append('the page requested ' + p['request']['url'])
            elif m == 'Network.loadingFailed':
                failures.append('a request failed: ' + p.get('errorText', '?'))
    except (OSError, RuntimeError, TimeoutError, EOFError) as exc:
        browser.log.seek(0)
        tail = browser.log.read().decode(errors='replace')[-2000:]
        failures.append(f'Chromium: {exc}\n{tail}')
        probe = None
    finally:
        browser.close()
        shutil.rmtree(profile, ignore_errors=True)

    if probe is not None:
        if len(probe['counties']) != ncounties or len(set(probe['counties'])) != ncounties:
            failures.append(f'map: {len(probe["counties"])} county shapes, want {ncounties}')
        if probe['countiesDrawn'] != len(probe['counties']):
            failures.append(f'map: only {probe["countiesDrawn"]} county shapes have a size')
        if sorted(probe['intervals']) != published:
            failures.append(f'forest plot: intervals for {sorted(probe["intervals"])}, the table '
                            f'publishes {published}')
        if sorted(probe['shown']) != published:
            failures.append(f'map: coloured {sorted(probe["shown"])}, the table publishes {published}')
        if probe['intervalsDrawn'] != len(probe['intervals']) + probe['stateInterval']:
            failures.append('forest plot: an interval has no size')
        if sorted(probe['modelIntervals']) != model:
            failures.append(f'forest plot: model-based marks for {sorted(probe["modelIntervals"])}, '
                            f'the table publishes {model}')
        if probe['modelDrawn'] != len(model) or probe['modelDashed'] != len(model):
            failures.append(f'forest plot: {probe["modelDrawn"]} model-based marks drawn, '
                            f'{probe["modelDashed"]} dashed with an open diamond, want {len(model)}')
        failures.extend(f'figure text: {m}' for m in probe['figureText'])
        if not all(w in probe['legend'] for w in ('Arizona', 'statewide estimate')) or not (
                'county estimate' in probe['legend'] or 'direct' in probe['legend']):
            failures.append(f'forest plot: legend {probe["legend"]!r} does not name every '
                            f'mark (county, Arizona, statewide line)')
        if 'sae_estimate_pct' in rows[0] and not ('direct' in probe['legend'] and
                                                  'model-based' in probe['legend']):
            failures.append(f'forest plot: legend {probe["legend"]!r} does not name both marks')
        # The map shows model-based values only when made with --map model
        # (its title says so); by default direct estimates alone.
        if 'model-based estimates (dotted)' not in page_text:
            model_only = []
        if sorted(probe['mapModel']) != model_only:
            failures.append(f'map: model-based fill for {sorted(probe["mapModel"])}, want '
                            f'{model_only}')
        if not probe['headlineVisible'] or not probe['headline']:
            failures.append('the headline is not visible')
        if not probe['tableVisible'] or probe['tableRows'] != ncounties + 1:
            failures.append(f'county table: {probe["tableRows"]} rows visible, want {ncounties + 1}')
        if trend is not None:
            lines = probe['trendLines']
            if [l['series'] for l in lines] != trend or probe['trendSeries'] != trend:
                failures.append(f'trend chart: lines for {[l["series"] for l in lines]}, '
                                f'want one per series {trend}')
            for l in lines:
                if not l['drawn']:
                    failures.append(f'trend chart: the line of {l["series"]} has no size')
            if sum(l['points'] for l in lines) == 0:
                failures.append('trend chart: no point drawn at all')
            if probe['changeCells'] != ncounties + 1:
                failures.append(f'county table: {probe["changeCells"]} "change since" cells, '
                                f'want {ncounties + 1}')
        elif probe['trendLines'] or probe['changeCells']:
            failures.append('a report of one survey year has a trend chart or change column')
        if probe['width'] > 1280:
            failures.append(f'the page is wider than the window ({probe["width"]} px)')
    if failures:
        for f in failures:
            print('FAIL:', f)
        sys.exit(1)
    print(f'Chromium: loaded cleanly; map {len(probe["counties"])} counties, forest plot '
          f'{len(probe["intervals"])} county intervals + state, {len(model)} model-based; '
          + (f'trend chart {len(probe["trendLines"])} lines; ' if trend is not None else '')
          + f'screenshot {shot}')


if __name__ == '__main__':
    main()
