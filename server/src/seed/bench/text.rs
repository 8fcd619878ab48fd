//! Generated issue text: titles from a few phrase lists, and markdown descriptions whose words
//! follow Zipf's law over a large vocabulary, as real prose does, so that a search for two
//! ordinary words finds under one issue in a hundred, not most of them.

pub const COMPONENTS: &[&str] = &[
    "Checkout", "Login", "Dashboard", "CSV export", "Search", "Settings page", "Invoice PDF", "Notification email",
    "Sidebar", "File upload", "Password reset", "Audit log", "Billing page", "Mobile menu", "API token page", "Chart",
];
const SYMPTOMS: &[&str] = &[
    "crashes", "times out", "shows a blank page", "loses the draft", "renders twice", "is very slow", "returns a 500",
    "ignores the filter", "shows the wrong date", "freezes the tab", "drops the last row", "logs the user out",
];
const ACTIONS: &[&str] = &[
    "saving a draft", "switching tabs", "pressing Enter", "uploading a large file", "changing the language",
    "resizing the window", "opening a second session", "pasting from Word", "sorting by date", "using dark mode",
];
const PLATFORMS: &[&str] = &["Safari 17", "Firefox ESR", "Chrome on Android", "Windows 11", "macOS", "an iPad", "Linux", "Edge"];

/// Real words, most frequent first. "session" ranks 48th and "timeout" 120th, so each turns up
/// in roughly one description in ten and one in twenty-five (and "session" in a tenth of the
/// titles); past these, generated identifiers (error codes, job and build names) make the long tail.
const WORDS: &[&str] = &[
    "the", "to", "and", "is", "on", "when", "it", "with", "not", "after", "page", "user", "click", "button", "error",
    "again", "then", "shows", "list", "open", "new", "save", "field", "value", "form", "load", "data", "wrong", "empty",
    "first", "table", "time", "account", "browser", "message", "link", "text", "fails", "still", "works", "window",
    "menu", "date", "report", "update", "settings", "issue", "session", "second", "old", "row", "team", "email",
    "name", "project", "file", "view", "reload", "mobile", "screen", "request", "response", "status", "server", "client",
    "network", "default", "missing", "blank", "slow", "correct", "expected", "actual", "steps", "version", "release",
    "desktop", "search", "filter", "sort", "column", "export", "import", "download", "upload", "image", "preview",
    "comment", "draft", "dialog", "tab", "popup", "scroll", "focus", "keyboard", "tooltip", "modal", "spinner",
    "pagination", "cache", "token", "cookie", "redirect", "locale", "timezone", "rounding", "encoding", "unicode",
    "overflow", "layout", "font", "icon", "theme", "dark", "mode", "invoice", "payment", "refund", "currency", "timeout",
    "retry", "latency", "deadlock", "migration", "index", "query", "payload", "header", "webhook", "queue", "worker",
    "memory", "leak", "crash", "stack", "trace", "permission", "role", "invite", "avatar", "signature", "certificate",
    "proxy", "firewall", "socket", "handshake", "checksum", "thumbnail", "watermark", "barcode", "calendar", "reminder",
];
const TAIL: &[&str] = &["err", "job", "build", "sku", "node", "batch", "tx", "case", "ref", "rule"];
/// How many distinct words descriptions draw from.
const VOCABULARY: usize = 8_000;

/// A small deterministic generator (splitmix64): repeatable data without a dependency.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1_u64 << 53) as f64
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }

    /// An index into `weights`, chosen in proportion to them.
    pub fn weighted(&mut self, weights: &[usize]) -> usize {
        let mut roll = self.below(weights.iter().sum());
        for (index, weight) in weights.iter().enumerate() {
            if roll < *weight {
                return index;
            }
            roll -= weight;
        }
        0
    }
}

/// The words descriptions and comments are made of, drawn with probability 1/rank.
pub struct Vocabulary {
    words: Vec<String>,
    /// Running sums of 1/rank, to draw a rank by bisection.
    cumulative: Vec<f64>,
}

impl Vocabulary {
    pub fn new() -> Vocabulary {
        let mut words: Vec<String> = WORDS.iter().map(|w| (*w).to_owned()).collect();
        words.extend((words.len()..VOCABULARY).map(|n| format!("{}{n}", TAIL[n % TAIL.len()])));
        let mut total = 0.0;
        let cumulative = (1..=words.len()).map(|rank| {
            total += 1.0 / rank as f64;
            total
        });
        let cumulative = cumulative.collect();
        Vocabulary { words, cumulative }
    }

    fn word(&self, rng: &mut Rng) -> &str {
        let roll = rng.unit() * self.cumulative.last().copied().unwrap_or_default();
        let rank = self.cumulative.partition_point(|c| *c < roll).min(self.words.len() - 1);
        &self.words[rank]
    }

    /// A sentence of `min` to `min + extra` words, ending in a component's name.
    pub fn sentence(&self, rng: &mut Rng, min: usize, extra: usize) -> String {
        let count = min + rng.below(extra + 1);
        let mut text: Vec<&str> = (0..count).map(|_| self.word(rng)).collect();
        text.push(rng.pick(COMPONENTS));
        let mut sentence = text.join(" ");
        sentence[..1].make_ascii_uppercase();
        sentence + "."
    }

    /// A title such as "Checkout crashes when saving a draft on Safari 17".
    pub fn title(&self, rng: &mut Rng) -> String {
        format!("{} {} when {} on {}", rng.pick(COMPONENTS), rng.pick(SYMPTOMS), rng.pick(ACTIONS), rng.pick(PLATFORMS))
    }

    /// A bug report in markdown: steps, expected and actual, sometimes a log and a list.
    pub fn description(&self, rng: &mut Rng, title: &str) -> String {
        let steps: Vec<String> = (1..=2 + rng.below(4)).map(|n| format!("{n}. {}", self.sentence(rng, 4, 5))).collect();
        let mut text = format!(
            "## Steps to reproduce\n\n{}\n\n**Expected:** {}\n\n**Actual:** {title}. {}\n",
            steps.join("\n"),
            self.sentence(rng, 6, 0),
            self.sentence(rng, 8, 9),
        );
        if rng.below(3) == 0 {
            let (what, place, line) = (self.word(rng).to_owned(), self.word(rng).to_owned(), rng.below(900) + 10);
            text.push_str(&format!("\n```\nError: {what} failed at {place}:{line}\n```\n"));
        }
        if rng.below(2) == 0 {
            text.push_str(&format!("\n- {}\n- {}\n", self.sentence(rng, 5, 0), self.sentence(rng, 5, 0)));
        }
        text
    }

    /// A comment: a remark and a quoted line.
    pub fn comment(&self, rng: &mut Rng) -> String {
        format!("{} {}\n\n> {}", self.sentence(rng, 6, 9), self.sentence(rng, 5, 0), self.sentence(rng, 4, 0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_writes_the_same_issue() {
        let vocabulary = Vocabulary::new();
        let write = |seed| {
            let mut rng = Rng::new(seed);
            let title = vocabulary.title(&mut rng);
            (vocabulary.description(&mut rng, &title), title)
        };
        assert_eq!(write(7), write(7));
        assert_ne!(write(7), write(8));
    }

    #[test]
    fn the_benchmarks_search_words_are_in_few_descriptions() {
        let vocabulary = Vocabulary::new();
        let mut rng = Rng::new(1);
        let descriptions: Vec<String> = (0..2_000).map(|_| vocabulary.description(&mut rng, "t").to_lowercase()).collect();
        let share = |word: &str| descriptions.iter().filter(|d| d.split(|c: char| !c.is_alphanumeric()).any(|w| w == word)).count() as f64 / 2_000.0;
        assert!(share("the") > 0.9, "the: {}", share("the"));
        assert!((0.03..0.25).contains(&share("session")), "session: {}", share("session"));
        assert!((0.01..0.10).contains(&share("timeout")), "timeout: {}", share("timeout"));
    }
}
