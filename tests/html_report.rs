//! 报告.html as a person sees it, in a real browser: headless Chromium opens the page written
//! for the sample township, the branch rows are there, a click on a row (a mouse event at the
//! row's place, through the DevTools protocol) opens that branch's findings, and the print
//! view is one A4 page, for the sample and for 300 branches; and over two rounds, the page
//! says what changed since the previous check.
//! CI installs Chromium (.ci/run) and sets ORGLIFE_REQUIRE_CHROMIUM=1, so there the test
//! cannot be skipped; elsewhere it is skipped with a visible message when Chromium is absent.

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

fn chromium() -> Option<String> {
    for cand in ["chromium", "chromium-browser", "google-chrome"] {
        if Command::new(cand)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
        {
            return Some(cand.to_string());
        }
    }
    if std::env::var_os("ORGLIFE_REQUIRE_CHROMIUM").is_some() {
        panic!("Chromium is required here (ORGLIFE_REQUIRE_CHROMIUM) but was not found");
    }
    eprintln!("SKIPPED: chromium not installed; the browser test of 报告.html did not run");
    None
}

/// Flags every run needs: no sandbox (CI runs as root, where Chromium refuses one), no GPU,
/// /dev/shm may be tiny in a container, and a profile of its own.
fn base_args(profile: &Path) -> Vec<String> {
    vec![
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--no-first-run".into(),
        format!("--user-data-dir={}", profile.display()),
    ]
}

fn file_url(p: &Path) -> String {
    format!("file://{}", p.canonicalize().unwrap().display())
}

/// A browser driven through the DevTools protocol over one websocket, one page attached.
struct Browser {
    child: Child,
    ws: tungstenite::WebSocket<TcpStream>,
    session: String,
    next: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    /// Ask Chromium to close (it then ends its helper processes itself), and make sure.
    fn drop(&mut self) {
        self.session.clear();
        self.next += 1;
        let msg = json!({ "id": self.next, "method": "Browser.close" });
        let _ = self
            .ws
            .send(tungstenite::Message::Text(msg.to_string().into()));
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn open(chromium: &str, url: &str) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(chromium)
            .arg("--headless=new")
            .args(base_args(profile.path()))
            .args(["--remote-debugging-port=0", "--window-size=1280,900"])
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The port is chosen by Chromium and printed on stderr; keep draining stderr after,
        // so that a chatty browser never blocks on a full pipe.
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(at) = line.find("ws://") {
                    let _ = tx.send(line[at..].trim().to_string());
                }
            }
        });
        let ws_url = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("Chromium printed its DevTools address");
        let host = ws_url["ws://".len()..]
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let stream = TcpStream::connect(&host).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let (ws, _) = tungstenite::client(ws_url.as_str(), stream).expect("websocket handshake");
        let mut b = Browser {
            child,
            ws,
            session: String::new(),
            next: 0,
            _profile: profile,
        };
        let target = b.call("Target.createTarget", json!({ "url": url }));
        let target_id = target["targetId"].as_str().unwrap().to_string();
        let attached = b.call(
            "Target.attachToTarget",
            json!({ "targetId": target_id, "flatten": true }),
        );
        b.session = attached["sessionId"].as_str().unwrap().to_string();
        b
    }

    /// Send one command (to the page once attached) and wait for its answer; events between
    /// are ignored.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut msg = json!({ "id": id, "method": method, "params": params });
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        self.ws
            .send(tungstenite::Message::Text(msg.to_string().into()))
            .unwrap();
        loop {
            let m = self.ws.read().expect("an answer from Chromium");
            let Ok(text) = m.to_text() else { continue };
            let v: Value = serde_json::from_str(text).unwrap();
            if v["id"] == json!(id) {
                assert!(v.get("error").is_none(), "{method}: {v}");
                return v["result"].clone();
            }
        }
    }

    /// A script's value in the page.
    fn eval(&mut self, js: &str) -> Value {
        let r = self.call(
            "Runtime.evaluate",
            json!({ "expression": js, "returnByValue": true, "awaitPromise": true }),
        );
        assert!(r.get("exceptionDetails").is_none(), "{js}: {r}");
        r["result"]["value"].clone()
    }

    fn wait_loaded(&mut self) {
        let start = Instant::now();
        while self.eval("document.readyState === 'complete' && !!document.getElementById('rows')")
            != json!(true)
        {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "the page never loaded"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A left click where a person would click: press and release at (x, y) in the viewport.
    fn click(&mut self, x: f64, y: f64) {
        for kind in ["mouseMoved", "mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }
}

/// Pages of the PDF Chromium prints the page into (its print view, A4).
fn printed_pages(chromium: &str, page: &Path) -> usize {
    let profile = tempfile::tempdir().unwrap();
    let pdf = profile.path().join("print.pdf");
    let o = Command::new(chromium)
        .arg("--headless")
        .args(base_args(&profile.path().join("profile")))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg("--no-pdf-header-footer")
        .arg(file_url(page))
        .output()
        .unwrap();
    let bytes = std::fs::read(&pdf).unwrap_or_else(|_| {
        panic!(
            "Chromium printed no PDF: {}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    // Each page is one `/Type /Page` object (the tree above them is `/Type /Pages`).
    let needle = b"/Type /Page";
    bytes
        .windows(needle.len() + 1)
        .filter(|w| w.starts_with(needle) && w[needle.len()] != b's')
        .count()
}

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample_data/柳林镇2024")
}

#[test]
fn the_page_in_a_real_browser() {
    let Some(chromium) = chromium() else { return };
    let (o, out) = check(&sample(), &["--as-of", "2024-09-10", "--no-history"]);
    assert_quiet_success(&o);
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    let page = out.path().join("报告.html");
    assert!(stdout.contains("报告.html"), "{stdout}");
    let branches: usize = stdout
        .split("名册支部 ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no branch count in {stdout}"));
    let name = "柳林镇杨湾村党支部";
    let findings = read_findings_csv(out.path());
    let message = findings
        .iter()
        .find(|f| f["branch"] == name)
        .map(|f| f["message"].clone())
        .expect("the branch has findings");

    let mut b = Browser::open(&chromium, &file_url(&page));
    b.wait_loaded();
    // 1. One visible row per branch, the known one among them.
    let visible = b.eval(
        "[...document.querySelectorAll('#rows tr.b')].filter(r => r.offsetParent !== null && r.getBoundingClientRect().height > 0).length",
    );
    assert_eq!(visible, json!(branches));
    let q = serde_json::to_string(name).unwrap();
    let at = b.eval(&format!(
        "(() => {{ const r = [...document.querySelectorAll('#rows tr.b')].find(r => r.cells[1].textContent === {q});
           if (!r) return null;
           r.scrollIntoView({{block: 'center'}});
           const c = r.cells[1].getBoundingClientRect();
           return {{ x: c.left + c.width / 2, y: c.top + c.height / 2, i: r.getAttribute('data-i') }}; }})()"
    ));
    assert!(at.is_object(), "row of {name} not found");
    // 2. A click on the row opens that branch's findings, with a known message.
    let detail = format!(
        "(() => {{ const d = document.querySelector('tr.detail[data-for=\"{}\"]');
           if (!d) return null;
           return {{ shown: d.offsetParent !== null && d.getBoundingClientRect().height > 0, text: d.textContent }}; }})()",
        at["i"].as_str().unwrap()
    );
    assert_eq!(b.eval(&detail), Value::Null, "closed before the click");
    b.click(at["x"].as_f64().unwrap(), at["y"].as_f64().unwrap());
    let opened = b.eval(&detail);
    assert_eq!(opened["shown"], json!(true), "{opened}");
    let text = opened["text"].as_str().unwrap();
    assert!(text.contains(&message), "{message} not in {text}");
    // A second click closes it again.
    b.click(at["x"].as_f64().unwrap(), at["y"].as_f64().unwrap());
    assert_eq!(b.eval(&detail), Value::Null);
    // The print view hides the interactive table and shows the short list.
    b.call("Emulation.setEmulatedMedia", json!({ "media": "print" }));
    let shown =
        |id: &str| format!("getComputedStyle(document.getElementById('{id}')).display !== 'none'");
    assert_eq!(b.eval(&shown("branches")), json!(false));
    assert_eq!(b.eval(&shown("attention")), json!(true));
    drop(b);

    // 3. The print view is one A4 page.
    assert_eq!(
        printed_pages(&chromium, &page),
        1,
        "the sample's print view"
    );
}

/// 300 branches, every one needing attention with a long name: the print view's list is
/// capped and the page stays one page.
#[test]
fn three_hundred_branches_print_on_one_page() {
    let Some(chromium) = chromium() else { return };
    use orglife::analysis::{Options, Stages, analyse};
    use orglife::rules::overview::Overall;
    let opts = Options {
        input: sample(),
        as_of: Some("2024-09-10".into()),
        default_as_of: date("2024-09-10"),
        ..Options::default()
    };
    let mut a = analyse(&opts, &mut Stages::default()).unwrap();
    let base = a.overview.branches.clone();
    a.overview.branches = (0..300)
        .map(|n| {
            let mut b = base[n % base.len()].clone();
            b.name = format!("柳林镇第{n}号非公有制经济组织和社会组织联合党支部");
            b.overall = Overall::Errors;
            b.counts[0] = 1 + n % 7;
            b
        })
        .collect();
    let html = orglife::report::html::render(&a, orglife::report::mask::Pii::default());
    assert!(html.contains("个支部见汇总表"), "the list is capped");
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("报告.html");
    std::fs::write(&page, html).unwrap();
    assert_eq!(
        printed_pages(&chromium, &page),
        1,
        "300 branches' print view"
    );
}

/// The text of the `与上次相比` cell in the row of `branch`.
fn change_cell(page: &str, branch: &str) -> String {
    let row = page
        .split("<tr class=\"b\"")
        .find(|r| r.contains(&format!("<td class=\"name\">{branch}</td>")))
        .unwrap_or_else(|| panic!("no row for {branch}"));
    let cell = row
        .split("<td class=\"chg\">")
        .nth(1)
        .expect("a 与上次相比 cell");
    cell[..cell.find("</td>").unwrap()].to_string()
}

/// A number the screen's 进展 line gives, e.g. `新发现 1 条`.
fn said(stdout: &str, what: &str) -> usize {
    let at = stdout
        .find(what)
        .unwrap_or_else(|| panic!("no {what} in {stdout}"))
        + what.len();
    stdout[at..]
        .trim_start()
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// Two checks of one folder with its history: between them 杨湾村 corrects its roster (its
/// C003 is fixed) and 商会 takes its returns back (a new S001). The second page compares.
#[test]
fn two_rounds_show_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("报表");
    copy_tree(&sample(), &input);
    let history = dir.path().join("历史.sqlite");
    let round = |name: &str, as_of: &str| {
        let out = dir.path().join(name);
        let o = check_round(&input, &out, &history, as_of);
        let page = std::fs::read_to_string(out.join("报告.html")).unwrap();
        (out, String::from_utf8_lossy(&o.stdout).to_string(), page)
    };
    let (first, _, page) = round("第1次", "2024-09-10");
    assert!(page.contains("这是本文件夹、本次活动的第 1 次检查"));
    assert!(!page.contains("与上次相比"));
    let fixed = read_findings_csv(&first)
        .into_iter()
        .find(|f| f["code"] == "C003" && f["branch"] == "柳林镇杨湾村党支部")
        .expect("杨湾村's C003 in the first round");

    correct_yangwan_roster(&input);
    std::fs::remove_dir_all(input.join("商会")).unwrap();
    let (second, stdout, page) = round("第2次", "2024-09-12");
    assert!(page.contains("与第 1 次检查（"), "the headline");
    // The cards say what the screen says.
    let card = |label: &str, n: usize| {
        assert!(
            page.contains(&format!(
                "<div class=\"n\">{n}</div><div class=\"l\">{label}</div>"
            )),
            "{label} {n}"
        )
    };
    card("新发现", said(&stdout, "新发现"));
    card("已改正", said(&stdout, "已改正"));
    card("仍未改正", said(&stdout, "仍未改正"));
    let now = read_findings_csv(&second);
    let yangwan = now
        .iter()
        .filter(|f| f["branch"] == "柳林镇杨湾村党支部")
        .count();
    assert_eq!(
        change_cell(&page, "柳林镇杨湾村党支部"),
        format!("新 0 · 已改正 1 · 未改 {yangwan}")
    );
    assert_eq!(
        change_cell(&page, "柳林镇商会党支部"),
        "新 1 · 已改正 0 · 未改 0"
    );

    // In the browser: 杨湾村's detail lists the fixed finding, 商会's marks its new one.
    let Some(chromium) = chromium() else { return };
    let mut b = Browser::open(&chromium, &file_url(&second.join("报告.html")));
    b.wait_loaded();
    let open = |b: &mut Browser, name: &str| -> String {
        let q = serde_json::to_string(name).unwrap();
        let at = b.eval(&format!(
            "(() => {{ const r = [...document.querySelectorAll('#rows tr.b')].find(r => r.cells[1].textContent === {q});
               r.scrollIntoView({{block: 'center'}});
               const c = r.cells[1].getBoundingClientRect();
               return {{ x: c.left + c.width / 2, y: c.top + c.height / 2, i: r.getAttribute('data-i') }}; }})()"
        ));
        b.click(at["x"].as_f64().unwrap(), at["y"].as_f64().unwrap());
        let i = at["i"].as_str().unwrap();
        b.eval(&format!(
            "document.querySelector('tr.detail[data-for=\"{i}\"]').textContent"
        ))
        .as_str()
        .unwrap()
        .to_string()
    };
    let text = open(&mut b, "柳林镇杨湾村党支部");
    assert!(
        text.contains("已改正（上次检查有、本次没有）1 条"),
        "{text}"
    );
    assert!(text.contains(&fixed["message"]), "{text}");
    let text = open(&mut b, "柳林镇商会党支部");
    assert!(text.contains("新S001"), "the new finding is marked: {text}");
}
