//! The page's style and script, inline so that the file opens from disk with no network: the
//! colours are declared once here and used by the table, the chart and the legend alike.

use std::fmt::{self, Write};

/// Step buckets (`completion::LABELS`): 按时完成, 逾期完成, 逾期未完成, 未到期, 缺表/未报送, 不适用.
pub const BUCKET_COLORS: [&str; 6] = [
    "#a5d6a7", "#ffe082", "#ef9a9a", "#ffffff", "#ce93d8", "#e0e0e0",
];

/// Overall statuses in `OVERALLS` order: 未报送 as a step's 缺表/未报送, 有严重问题 red,
/// 有一般问题 amber, 进行中 white, 全部完成 green.
pub const OVERALL_COLORS: [&str; 5] = ["#ce93d8", "#ef9a9a", "#ffe082", "#ffffff", "#a5d6a7"];

/// 严重, 一般, 提示: the feedback workbooks' red, yellow and blue.
pub const SEVERITY_COLORS: [&str; 3] = ["#ef9a9a", "#ffe082", "#90caf9"];

/// Chinese system fonts first (Windows, macOS, Linux): nothing is downloaded.
pub const FONTS: &str = "\"Microsoft YaHei\",\"PingFang SC\",\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"WenQuanYi Micro Hei\",sans-serif";

pub fn css(out: &mut String) -> fmt::Result {
    writeln!(out, "body{{font-family:{FONTS}}}")?;
    out.push_str(STYLE);
    // After the style, so that a colour class wins over a card's or a cell's white.
    for (k, c) in BUCKET_COLORS.iter().enumerate() {
        writeln!(out, ".k{k}{{background:{c}}}")?;
    }
    for (k, c) in OVERALL_COLORS.iter().enumerate() {
        writeln!(out, ".o{k}{{background:{c}}}")?;
    }
    for (k, c) in SEVERITY_COLORS.iter().enumerate() {
        writeln!(out, ".sev{k}{{background:{c}}}")?;
    }
    Ok(())
}

const STYLE: &str = r#"*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0 auto;max-width:1440px;padding:12px 20px;color:#222;font-size:14px;line-height:1.5;background:#f4f5f7}
header h1{font-size:22px;margin:0 0 2px}
header p{margin:0;color:#555}
.headline{margin-top:2px}
section{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:10px 16px 12px;margin:12px 0}
h2{font-size:16px;margin:0 0 8px;padding-left:8px;border-left:4px solid #b71c1c}
h3,h4{font-size:14px;margin:10px 0 4px}
.cards{display:flex;flex-wrap:wrap;gap:8px}
.card{min-width:92px;padding:6px 12px;border:1px solid #ccd1d9;border-radius:6px;background:#fff}
.card .n{font-size:24px;font-weight:bold;line-height:1.2}
.card .l{color:#333}
.card .note{font-size:12px;color:#555}
.card.good{border-color:#43a047}
.card.bad{border-color:#e53935;border-width:2px}
.card.new{border-color:#1565c0;border-width:2px}
.chip{display:inline-block;width:12px;height:12px;border:1px solid #888;vertical-align:-1px;margin-right:4px}
.overall{margin:8px 0 0}
.chart svg{width:100%;max-width:900px;height:auto;display:block}
.chart text{font-family:inherit;font-size:13px;fill:#222}
.legend{margin:6px 0 0;font-size:13px}
.legend span.item{margin-right:14px;white-space:nowrap}
.legend b{font-weight:normal;color:#555;margin-right:6px}
ol.attn{margin:0;padding-left:2.2em;columns:2;column-gap:32px}
ol.attn li{break-inside:avoid;padding:1px 0}
.more{margin:4px 0 0;color:#555}
.print-only{display:none}
.controls{margin:6px 0 8px}
.controls input[type=search]{width:16em;padding:3px 6px;font:inherit}
.controls label{margin-left:14px}
table{border-collapse:collapse}
table.branches{width:100%;font-size:13px}
table.branches th,table.branches td{border:1px solid #c9ced6;padding:3px 6px;text-align:left;vertical-align:top}
table.branches thead th{position:sticky;top:0;background:#e8ebef;z-index:1}
td.num,th.num{text-align:right}
tr.b{cursor:pointer}
tr.b:hover td.name{text-decoration:underline}
tr.b:focus{outline:2px solid #1565c0;outline-offset:-2px}
tr.b td.name::before{content:"▸ ";color:#777}
tr.b[aria-expanded=true] td.name::before{content:"▾ "}
td.e1{font-weight:bold}
tr.detail>td{background:#f7f9fc;padding:8px 14px 12px}
table.findings{width:100%;font-size:13px;background:#fff}
table.findings th,table.findings td{border:1px solid #d5d9df;padding:2px 6px;text-align:left;vertical-align:top}
table.findings th{background:#eef1f4;white-space:nowrap}
td.code{font-family:Consolas,Menlo,monospace;white-space:nowrap}
td.where{color:#444;font-size:12px}
.sev{padding:0 4px;border-radius:3px;white-space:nowrap}
.badge{background:#1565c0;color:#fff;border-radius:3px;padding:0 4px;font-size:12px;white-space:nowrap}
ul.todo{margin:0;padding-left:1.6em}
footer{color:#666;font-size:12px;margin:12px 0}
@page{size:A4 portrait;margin:12mm 12mm 10mm}
@media print{
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{background:#fff;max-width:none;padding:0;font-size:10pt;line-height:1.35}
.screen{display:none!important}
header h1{font-size:16pt}
section{border:none;border-radius:0;padding:0;margin:0 0 4mm}
h2{font-size:11.5pt;margin-bottom:2mm}
.card{padding:1mm 3mm;min-width:0}
.card .n{font-size:14pt}
.card .l,.card .note{font-size:8.5pt}
.chart svg{max-width:100%}
.legend{font-size:8.5pt}
ol.attn{font-size:9pt;column-gap:8mm}
ol.attn{list-style-position:inside;padding-left:0}
ol.attn li,ul.brief li{white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
ul.brief{font-size:9pt;margin:0;padding-left:0;list-style:none}
.print-only{display:block}
footer{font-size:8pt;margin:2mm 0 0}
}
"#;

/// Opens a branch's findings under its row on a click (or Enter), and filters the rows. It
/// builds every element with `textContent`: the data is never parsed as markup.
pub const SCRIPT: &str = r#"(function () {
"use strict";
var D = JSON.parse(document.getElementById("orglife-data").textContent);
var SEV = ["严重", "一般", "提示"];
function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function table(heads, rows, fill) {
  var t = el("table", "findings"), h = el("tr");
  heads.forEach(function (c) { h.appendChild(el("th", "", c)); });
  t.appendChild(el("thead")).appendChild(h);
  var body = t.appendChild(el("tbody"));
  rows.forEach(function (r) { fill(body.appendChild(el("tr")), r); });
  return t;
}
function sev(tr, k) {
  tr.appendChild(el("td")).appendChild(el("span", "sev sev" + k, SEV[k]));
}
function findings(list) {
  var heads = ["代码", "严重程度", "问题", "对象", "说明及怎么改", "文件 › 工作表 › 单元格"];
  if (D.hist) heads = [""].concat(heads, ["首次发现", "已催办"]);
  return table(heads, list, function (tr, f) {
    if (D.hist) {
      var n = tr.appendChild(el("td"));
      if (f[7]) n.appendChild(el("span", "badge", "新"));
    }
    tr.appendChild(el("td", "code", f[0]));
    sev(tr, f[1]);
    tr.appendChild(el("td", "", D.codes[f[0]] || ""));
    tr.appendChild(el("td", "", f[2]));
    tr.appendChild(el("td", "", f[3]));
    var where = [f[4] >= 0 ? D.files[f[4]] : "", f[5], f[6]].filter(Boolean).join(" › ");
    tr.appendChild(el("td", "where", where));
    if (D.hist) {
      tr.appendChild(el("td", "", f[8]));
      tr.appendChild(el("td", "", f[9] + " 次"));
    }
  });
}
function fixed(list) {
  return table(["代码", "严重程度", "对象", "原来的问题", "首次发现"], list, function (tr, f) {
    tr.appendChild(el("td", "code", f[0]));
    sev(tr, f[1]);
    tr.appendChild(el("td", "", f[2]));
    tr.appendChild(el("td", "", f[3]));
    tr.appendChild(el("td", "", f[4]));
  });
}
function detail(tr) {
  var i = +tr.getAttribute("data-i"), b = D.b[i] || {};
  var f = b.f || [], x = b.x || [], l = b.l || [];
  var d = el("tr", "detail");
  d.setAttribute("data-for", String(i));
  var td = d.appendChild(el("td"));
  td.colSpan = tr.cells.length;
  if (l.length) {
    td.appendChild(el("h4", "", "还需要做"));
    var ul = td.appendChild(el("ul", "todo"));
    l.forEach(function (s) { ul.appendChild(el("li", "", s)); });
  }
  td.appendChild(el("h4", "", f.length ? "问题 " + f.length + " 条" : "没有发现问题"));
  if (f.length) td.appendChild(findings(f));
  if (x.length) {
    td.appendChild(el("h4", "", "已改正（上次检查有、本次没有）" + x.length + " 条"));
    td.appendChild(fixed(x));
  }
  return d;
}
function toggle(tr) {
  var next = tr.nextElementSibling;
  if (next && next.classList.contains("detail")) {
    next.remove();
    tr.setAttribute("aria-expanded", "false");
  } else {
    tr.after(detail(tr));
    tr.setAttribute("aria-expanded", "true");
  }
}
var body = document.getElementById("rows");
body.addEventListener("click", function (ev) {
  var tr = ev.target.closest("tr.b");
  if (tr) toggle(tr);
});
body.addEventListener("keydown", function (ev) {
  if ((ev.key === "Enter" || ev.key === " ") && ev.target.matches("tr.b")) {
    ev.preventDefault();
    toggle(ev.target);
  }
});
var rows = Array.prototype.slice.call(body.querySelectorAll("tr.b"));
var q = document.getElementById("q"), only = document.getElementById("only");
var shown = document.getElementById("shown");
function filter() {
  var t = q.value.trim(), n = 0;
  rows.forEach(function (r) {
    var ok = (!t || r.cells[1].textContent.indexOf(t) >= 0) && (!only.checked || r.hasAttribute("data-a"));
    r.hidden = !ok;
    var nx = r.nextElementSibling;
    if (nx && nx.classList.contains("detail")) nx.hidden = !ok;
    if (ok) n++;
  });
  shown.textContent = String(n);
}
q.addEventListener("input", filter);
only.addEventListener("change", filter);
})();
"#;
