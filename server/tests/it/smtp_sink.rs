//! A real SMTP server for the mail tests: aiosmtpd from PyPI running our sink script
//! (`fixtures/smtp_sink.py`), which writes every message it receives to a directory.
use std::{
    io::{BufRead, BufReader},
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::Duration,
};
use tempfile::TempDir;

/// One SMTP sink on a port of its own. It can be stopped and started again on the same port,
/// keeping what it received.
pub struct SmtpSink {
    pub port: u16,
    dir: TempDir,
    child: Option<Child>,
}

/// A message as the sink received it, with the parts the tests look at.
#[derive(Debug, Clone)]
pub struct Received {
    pub envelope_from: String,
    pub envelope_to: Vec<String>,
    pub message_id: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub list_unsubscribe: Option<String>,
    pub list_unsubscribe_post: Option<String>,
    pub raw: String,
}

impl SmtpSink {
    /// A sink on a free port, not yet accepting mail (as if the mail server were down).
    pub fn down() -> SmtpSink {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        SmtpSink { port, dir: tempfile::tempdir().unwrap(), child: None }
    }

    /// A sink accepting mail.
    pub async fn start() -> SmtpSink {
        let mut sink = SmtpSink::down();
        sink.run(false).await;
        sink
    }

    /// Starts accepting mail; with `hang`, it accepts connections but stalls every message.
    pub async fn run(&mut self, hang: bool) {
        let python = std::env::var("SMTP_SINK").unwrap_or_else(|_| "python3".to_owned());
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/it/fixtures/smtp_sink.py");
        let mut command = Command::new(&python);
        command.arg(&script).arg(self.port.to_string()).arg(self.dir.path()).stdout(Stdio::piped()).stderr(Stdio::null());
        if hang {
            command.arg("--hang");
        }
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("{python} could not start the SMTP sink ({e}); install aiosmtpd (`pip install aiosmtpd`) or set SMTP_SINK"));
        let stdout = child.stdout.take().unwrap();
        let ready = tokio::task::spawn_blocking(move || BufReader::new(stdout).lines().next().and_then(Result::ok)).await.unwrap();
        assert_eq!(ready.as_deref(), Some("ready"), "the SMTP sink did not start ({python} needs aiosmtpd; set SMTP_SINK to a Python that has it)");
        self.child = Some(child);
    }

    /// Stops accepting mail (what was received stays readable).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// `SMTP_URL` for this sink: plain SMTP on the loopback, no password.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, in the order they arrived.
    pub fn received(&self) -> Vec<Received> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
            .collect();
        files.sort();
        files.iter().map(|path| Received::parse(&std::fs::read(path).unwrap())).collect()
    }

    /// Waits until at least `count` messages arrived (up to `within`), then returns them all.
    pub async fn wait_for(&self, count: usize, within: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let received = self.received();
            if received.len() >= count || tokio::time::Instant::now() >= deadline {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Received {
    fn parse(file: &[u8]) -> Received {
        let split = file.iter().position(|b| *b == b'\n').expect("an envelope line");
        let envelope: serde_json::Value = serde_json::from_slice(&file[..split]).unwrap();
        let raw = &file[split + 1..];
        let message = mail_parser::MessageParser::default().parse(raw).expect("a parsable message");
        let header = |name: &str| message.header_raw(name).map(|v| v.trim().to_owned());
        Received {
            envelope_from: envelope["from"].as_str().unwrap_or_default().to_owned(),
            envelope_to: envelope["to"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect(),
            message_id: message.message_id().map(|id| format!("<{id}>")).unwrap_or_default(),
            subject: message.subject().unwrap_or_default().to_owned(),
            text: message.body_text(0).map(|t| t.into_owned()).unwrap_or_default(),
            html: message.body_html(0).map(|t| t.into_owned()).unwrap_or_default(),
            list_unsubscribe: header("List-Unsubscribe"),
            list_unsubscribe_post: header("List-Unsubscribe-Post"),
            raw: String::from_utf8_lossy(raw).into_owned(),
        }
    }
}
