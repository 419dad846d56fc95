// The report's only stylesheet, inlined: no fonts or files to fetch. Colors are CSS variables with a dark
// set under prefers-color-scheme, so charts (classes s1…s6) follow the reader's theme.
export const STYLES = `
:root{color-scheme:light dark;--bg:#f7f8fa;--card:#fff;--fg:#1b1f24;--muted:#5b6570;--line:#d9dee4;--grid:#e8ebef;
--good:#147a3d;--bad:#c2261d;--good-bg:#e5f5ea;--bad-bg:#fdeaea;--accent:#2557c7;--warn:#9a5b00;
--s1:#2f6fdb;--s2:#d9822b;--s3:#d33a3a;--s4:#1f9d6b;--s5:#8a5cd6;--s6:#0e97b0}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--card:#1a1e24;--fg:#e6e9ed;--muted:#9aa5b1;--line:#2e353e;
--grid:#262c34;--good:#5fd38d;--bad:#ff7b72;--good-bg:#173524;--bad-bg:#3d1d1c;--accent:#7aa7ff;--warn:#e3b341;
--s1:#6ea2ff;--s2:#f0a35c;--s3:#ff7b72;--s4:#4cc995;--s5:#b794f6;--s6:#3cc7e0}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main,body>header{max-width:1180px;margin:0 auto;padding:16px 20px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:17px;margin:0}h3{font-size:14px;margin:18px 0 6px}h4{margin:12px 0 0}
h3 small{color:var(--muted);font-weight:normal}
a{color:var(--accent)}code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.meta,.note,.run,.empty{color:var(--muted);margin:4px 0}.note.bad{color:var(--bad)}
.counts{display:flex;gap:8px;margin:10px 0 0;flex-wrap:wrap}
.count{padding:3px 10px;border-radius:999px;background:var(--card);border:1px solid var(--line)}
.count.pass{color:var(--good)}.count.fail{color:var(--bad)}.count.caveat{color:var(--warn)}
section.result,.summary{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px;margin:14px 0}
section.result>header{display:flex;gap:10px;align-items:baseline;flex-wrap:wrap}
.file{color:var(--muted)}
.verdict{font-weight:600;white-space:nowrap}.verdict.pass{color:var(--good)}.verdict.fail,.verdict.abort{color:var(--bad)}
.verdict.caveat{color:var(--warn)}
.kind{font-size:12px;color:var(--muted);border:1px solid var(--line);border-radius:4px;padding:0 6px}
table{border-collapse:collapse;width:100%;margin:4px 0}
th,td{padding:4px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{color:var(--muted);font-weight:600;font-size:12px}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.bad{color:var(--bad)}td.good{color:var(--good);font-weight:600}td small{color:var(--muted)}
svg.spark{display:inline-block;width:80px;height:18px;vertical-align:middle}svg.spark .line{stroke-width:1.5}
.summary td:nth-child(2){max-width:420px;overflow-wrap:anywhere}
.tiles{display:flex;flex-wrap:wrap;gap:8px;margin:10px 0}
.tile{border:1px solid var(--line);border-radius:6px;padding:6px 10px;min-width:96px}
.tile span{display:block;font-size:12px;color:var(--muted)}.tile b{font-size:16px;font-variant-numeric:tabular-nums}
.tile.bad b{color:var(--bad)}.tile.good b{color:var(--good)}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:12px;margin:8px 0}
figure.chart{margin:0;border:1px solid var(--line);border-radius:6px;padding:8px 10px}
figcaption{font-weight:600;font-size:13px}figcaption small{font-weight:normal;color:var(--muted)}
.legend{display:flex;gap:12px;flex-wrap:wrap;font-size:12px;color:var(--muted);margin:2px 0 4px}
.key{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;background:currentColor;vertical-align:-1px}
svg{display:block;width:100%;height:auto;overflow:visible}
svg text{fill:var(--muted);font-size:11px}.ty text,svg .label,svg .marker-label{text-anchor:end}.tx text,svg .unit{text-anchor:middle}
.ty text,svg .label,svg .value{dominant-baseline:middle}svg .label{fill:var(--fg);font-size:12px}svg .value{fill:var(--fg)}
svg .strong{font-weight:700}svg .marker-label{fill:var(--bad);font-weight:600}
.grid{stroke:var(--grid);stroke-width:1}
.line{fill:none;stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
.area{stroke:none;opacity:.14}.bar{opacity:.85}.bar.strong{opacity:1;stroke:var(--fg);stroke-width:1}
.marker{stroke:var(--bad);stroke-width:1.5;stroke-dasharray:5 4}
.guide{stroke:var(--muted);stroke-width:1;visibility:hidden}
.s1{color:var(--s1);stroke:var(--s1);fill:var(--s1)}.s2{color:var(--s2);stroke:var(--s2);fill:var(--s2)}
.s3{color:var(--s3);stroke:var(--s3);fill:var(--s3)}.s4{color:var(--s4);stroke:var(--s4);fill:var(--s4)}
.s5{color:var(--s5);stroke:var(--s5);fill:var(--s5)}.s6{color:var(--s6);stroke:var(--s6);fill:var(--s6)}
.line.s1,.line.s2,.line.s3,.line.s4,.line.s5,.line.s6{fill:none}
.warnings{margin:4px 0;padding-left:20px;color:var(--muted)}
#tip{position:absolute;pointer-events:none;background:var(--card);color:var(--fg);border:1px solid var(--line);
border-radius:6px;padding:6px 8px;font-size:12px;box-shadow:0 2px 8px rgba(0,0,0,.2);white-space:pre;z-index:2}
footer{color:var(--muted);font-size:12px;text-align:center;padding:12px}
`
