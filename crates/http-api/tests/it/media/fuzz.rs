//! A property test over whole multipart bodies: hundreds of generated uploads with
//! hostile file names, mismatched boundaries, truncated and padded bodies, several parts and
//! disguised content. None may answer 5xx, and nothing may be written anywhere but a stored
//! file named by us inside the upload directory.

use uuid::Uuid;

use super::{ELF, PNG, files_under, media_app, post};

/// A small deterministic generator (xorshift64*), so a failure replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

const NAMES: &[&str] = &[
    "x.png",
    "../../x.png",
    "..%2f..%2fx.png",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/etc/passwd",
    "C:\\Windows\\x.png",
    "a\0b.png",
    "evil\u{202e}gnp.exe",
    "x.html",
    "x.svg",
    ".htaccess",
    "",
    "\"quoted\".png",
    "名前.png",
];

fn name(rng: &mut Rng) -> String {
    match rng.below(6) {
        0 => "n".repeat(300) + ".png",
        1 => String::from_utf8_lossy(&rng.bytes(20)).into_owned(),
        _ => (*rng.pick(NAMES)).to_string(),
    }
}

fn content(rng: &mut Rng) -> Vec<u8> {
    let mut v = match rng.below(7) {
        0 => PNG.to_vec(),
        1 => b"<!DOCTYPE html><script>alert(1)</script>".to_vec(),
        2 => b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>".to_vec(),
        3 => ELF.to_vec(),
        4 => Vec::new(),
        5 => b"plain text, nothing more\n".to_vec(),
        _ => Vec::new(),
    };
    let extra = rng.below(3000);
    v.extend(rng.bytes(extra));
    v
}

fn body(rng: &mut Rng) -> (String, Vec<u8>) {
    let boundary = format!("b{}", rng.next());
    let declared = if rng.below(8) == 0 {
        format!("x{}", rng.next())
    } else {
        boundary.clone()
    };
    let mut out = Vec::new();
    for _ in 0..=rng.below(3) {
        out.extend(format!("--{boundary}\r\n").bytes());
        let field = *rng.pick(&["file", "file", "file", "files", "other", ""]);
        let mut cd = format!("Content-Disposition: form-data; name=\"{field}\"");
        if rng.below(5) != 0 {
            cd.push_str(&format!("; filename=\"{}\"", name(rng)));
        }
        out.extend(cd.bytes());
        out.extend(b"\r\n");
        if rng.below(2) == 0 {
            let ct = *rng.pick(&[
                "image/png",
                "text/html",
                "image/svg+xml",
                "text/plain",
                "x/y",
            ]);
            out.extend(format!("Content-Type: {ct}\r\n").bytes());
        }
        out.extend(b"\r\n");
        out.extend(content(rng));
        out.extend(b"\r\n");
    }
    if rng.below(4) != 0 {
        out.extend(format!("--{boundary}--\r\n").bytes());
    }
    if rng.below(5) == 0 {
        out.truncate(rng.below(out.len() + 1));
    }
    if rng.below(8) == 0 {
        out.extend(rng.bytes(100));
    }
    (format!("multipart/form-data; boundary={declared}"), out)
}

#[actix_web::test]
async fn generated_multipart_bodies_never_fail_the_server_or_escape_the_upload_dir() {
    let app = media_app(4096).await;
    let agent = Uuid::new_v4();
    let path = format!("/api/media/agents/{agent}/upload-media");
    let mut rng = Rng(0x5eed_a9e7_d000_0001);
    let mut accepted = 0;
    for case in 0..300 {
        let (ct, b) = body(&mut rng);
        let r = post(&app, &path, &ct, &b).await;
        assert!(r.status < 500, "case {case}: {} {}", r.status, r.raw);
        if r.status == 200 {
            accepted += 1;
        }
    }
    assert!(accepted > 0 && accepted < 300, "{accepted} of 300 accepted");
    // Whatever was accepted is stored as `<uuid>.<ext>` in this agent's directory, and no
    // temporary file is left behind.
    let dir = app
        .media_root
        .join("uploads/agents")
        .join(agent.to_string());
    let files = files_under(&app.media_root);
    assert_eq!(files.len(), accepted, "{files:?}");
    for f in &files {
        assert_eq!(f.parent(), Some(dir.as_path()), "{f:?} is outside {dir:?}");
        let name = f.file_name().unwrap().to_string_lossy();
        let (stem, ext) = name.split_once('.').unwrap();
        assert!(Uuid::parse_str(stem).is_ok(), "{name}");
        assert!(["png", "txt"].contains(&ext), "{name}");
    }
}
