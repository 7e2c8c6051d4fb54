//! `docs/ERRORS.md` lists every error code with its status, and nothing else.

use agentd_core::ErrorCode;

#[test]
fn the_error_table_lists_every_code_with_its_status() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/ERRORS.md");
    let doc = std::fs::read_to_string(path).expect("docs/ERRORS.md is readable");
    let rows: Vec<(String, String)> = doc
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let code = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let status = cells.get(2)?;
            status
                .parse::<u16>()
                .ok()
                .map(|_| (code.to_owned(), (*status).to_owned()))
        })
        .collect();
    for code in ErrorCode::ALL {
        let row = rows.iter().find(|(c, _)| c == code.as_str());
        assert_eq!(
            row.map(|(_, s)| s.as_str()),
            Some(code.status().to_string().as_str()),
            "{} is missing from docs/ERRORS.md or has the wrong status",
            code.as_str()
        );
    }
    assert_eq!(
        rows.len(),
        ErrorCode::ALL.len(),
        "a documented code no longer exists"
    );
}
