// The page's stylesheet (inline: the page has no external assets).
export const PAGE_CSS = `
body{font:13px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:16px;color:#212121;background:#fff}
h1{font-size:18px;margin:0 0 6px}
#header dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0 0 10px}
#header dt{font-weight:600;color:#555}
#header dd{margin:0;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
#legend{border:1px solid #ddd;border-radius:4px;padding:6px 10px;margin-bottom:8px;background:#fafafa}
.legend-row{display:flex;flex-wrap:wrap;align-items:center;gap:4px 12px;margin:2px 0}
.legend-row b{width:92px;font-weight:600;color:#555}
.legend-item{display:inline-flex;align-items:center;gap:4px;font-size:12px}
.sw{display:inline-block;width:16px;height:10px;border:1px solid #0003;border-radius:2px}
.sw.unknown{background:repeating-linear-gradient(45deg,#5e35b1 0 3px,#9575cd 3px 5px)}
.sw.tick{width:0;height:12px;border:0;border-left:2px solid}
.sw.deadline{width:0;height:12px;border:0;border-left:2px solid #212121}
.sw.gap{background:repeating-linear-gradient(45deg,#eceff1 0 3px,#cfd8dc 3px 5px)}
.mk{font-size:13px;line-height:1}
.note{color:#8a4b00;margin:4px 0}
.hint{color:#777;font-size:12px;margin:4px 0 6px}
#chart{overflow-x:auto;border:1px solid #ddd;border-radius:4px}
#timeline{display:block;font-family:system-ui,sans-serif}
.lane-bg.even{fill:#fff}.lane-bg.odd{fill:#f6f8fa}.section-bg{fill:#e8eaf6}
.lane-label{font-size:11px;font-weight:600;fill:#263238}
.lane-sub{font-size:9px;fill:#607d8b}
.section-label{font-size:11px;font-weight:700;fill:#283593}
.seg-label{font-size:9px;fill:#1a1a1a;pointer-events:none}
.bar-label{font-size:9px;fill:#fff;pointer-events:none;paint-order:stroke;stroke:#0005;stroke-width:1.5px}
.bar-label.pending{fill:#333;stroke:none}
.call-bar rect{stroke:#0004;stroke-width:.5}
.call-bar[data-outcome=pending] rect{stroke:#555;stroke-dasharray:3 2}
.deadline-tick{stroke:#212121;stroke-width:1.5}
.frame-axis{stroke:#cfd8dc}
.frame-tick line{stroke-width:1.5}
.tick-label{font-size:8px}.tick-label.out{fill:#1565c0}.tick-label.in{fill:#00796b}
.fault-range{fill:url(#hatch-fault);stroke:none}
.fault-label{font-size:9px;font-weight:700;fill:#c62828}
.point-label{font-size:9px;font-weight:600}
.violation-label{font-size:10px;font-weight:700;fill:#d50000}
.violations-title{font-size:11px;font-weight:700;fill:#d50000}
.no-violations{font-size:10px;fill:#2e7d32}
.axis-line,.axis-tick{stroke:#455a64}
.axis-label{font-size:9px;fill:#37474f}
.break-zigzag{fill:none;stroke:#78909c}
.break-label{font-size:9px;fill:#78909c}
.gap-band{fill:#eceff1;fill-opacity:.7}
.grid{stroke:#eceff1}
g:hover>rect,g:hover>path,g:hover>circle{filter:brightness(1.15)}
`;
