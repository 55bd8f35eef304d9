//! Customers to and from CSV files: reading what a spreadsheet program saved, guessing
//! which column holds what, turning a row into a customer's details, and writing the
//! customer list back out. What an import does with each row is the store's
//! (`Db::import_customers`); the request and its report are here.

use crate::crm::{CustomerDetails, tidy_tags};
use crate::locale::Locale;
use crate::validate::FieldErrors;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The most rows one file may bring.
pub const MAX_IMPORT_ROWS: usize = 20_000;
/// The largest file (in bytes of UTF-8) an import reads: with the cells' quoting it
/// stays within what one request may carry.
pub const MAX_IMPORT_BYTES: usize = 6 * 1024 * 1024;
/// Spreadsheet programs read a UTF-8 file as the local code page without it.
pub const BOM: &str = "\u{feff}";

/// What a column of an imported file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Name,
    Company,
    Phone,
    Email,
    WechatId,
    Source,
    Tags,
    Notes,
    /// A colleague, by name or email, to own the customer.
    Owner,
}

impl Column {
    pub const ALL: [Column; 9] = [
        Column::Name,
        Column::Company,
        Column::Phone,
        Column::Email,
        Column::WechatId,
        Column::Source,
        Column::Tags,
        Column::Notes,
        Column::Owner,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Column::Name => "name",
            Column::Company => "company",
            Column::Phone => "phone",
            Column::Email => "email",
            Column::WechatId => "wechat_id",
            Column::Source => "source",
            Column::Tags => "tags",
            Column::Notes => "notes",
            Column::Owner => "owner",
        }
    }

    pub fn from_key(key: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key() == key)
    }

    /// The heading our export writes, which an import recognises.
    pub fn heading(self, locale: Locale) -> &'static str {
        let (zh, en) = match self {
            Column::Name => ("姓名", "Name"),
            Column::Company => ("公司", "Company"),
            Column::Phone => ("手机", "Phone"),
            Column::Email => ("邮箱", "Email"),
            Column::WechatId => ("微信号", "WeChat ID"),
            Column::Source => ("来源", "Source"),
            Column::Tags => ("标签", "Tags"),
            Column::Notes => ("备注", "Notes"),
            Column::Owner => ("负责人", "Owner"),
        };
        match locale {
            Locale::ZhCn => zh,
            Locale::En => en,
        }
    }

    /// Headings people give this column, in both languages, compared without case,
    /// spaces or punctuation (what our own export writes is among them).
    fn headings(self) -> &'static [&'static str] {
        match self {
            Column::Name => &[
                "name",
                "姓名",
                "名字",
                "客户",
                "客户名称",
                "联系人",
                "fullname",
            ],
            Column::Company => &[
                "company",
                "公司",
                "单位",
                "企业",
                "公司名称",
                "organization",
            ],
            Column::Phone => &[
                "phone",
                "手机",
                "手机号",
                "电话",
                "mobile",
                "tel",
                "联系电话",
            ],
            Column::Email => &["email", "邮箱", "电子邮件", "mail", "emailaddress"],
            Column::WechatId => &["wechatid", "wechat", "微信", "微信号", "weixin"],
            Column::Source => &["source", "来源", "客户来源", "渠道"],
            Column::Tags => &["tags", "标签", "tag"],
            Column::Notes => &["notes", "备注", "note", "说明", "remarks"],
            Column::Owner => &["owner", "负责人", "归属", "销售", "所属销售"],
        }
    }
}

/// A file read into cells, each row numbered as a spreadsheet program shows it (the
/// header is row 1), which is how a person finds it again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CsvTable {
    pub header: Vec<String>,
    pub rows: Vec<ImportRow>,
}

#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum CsvError {
    #[error("the file has no rows")]
    Empty,
    #[error("the file has more than {max} rows")]
    TooManyRows { max: usize },
    #[error("the file is larger than {max_mb} MB")]
    TooLarge { max_mb: usize },
    #[error("row {row} cannot be read as CSV")]
    Malformed { row: usize },
}

/// Reads a CSV file's text (a byte-order mark is ignored). Rows may have fewer or
/// more cells than the header: the import reports them one by one instead of
/// refusing the file. Empty lines, and rows of empty cells, are left out.
pub fn read_csv(text: &str) -> Result<CsvTable, CsvError> {
    let text = text.strip_prefix(BOM).unwrap_or(text);
    if text.len() > MAX_IMPORT_BYTES {
        return Err(CsvError::TooLarge {
            max_mb: MAX_IMPORT_BYTES / (1024 * 1024),
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(r)) => r,
        Some(Err(_)) => return Err(CsvError::Malformed { row: 1 }),
        None => return Err(CsvError::Empty),
    };
    // Spreadsheet row numbers: line breaks (CRLF, LF or CR alone), less those inside
    // quoted cells (an empty line is a row of its own there, a cell of two lines is
    // not).
    let (mut lines, mut counted) = (0usize, 0usize);
    let mut inside: usize = header.iter().map(line_breaks).sum();
    let header = header.iter().map(|c| c.trim().to_owned()).collect();
    let mut rows = Vec::new();
    for record in records {
        let record = record.map_err(|e| CsvError::Malformed {
            row: e.position().map_or(1, |p| p.line() as usize),
        })?;
        // The reader places a record where the last one ended (a CRLF's `\n` and
        // empty lines before it); its row starts at its first cell.
        let mut start = record
            .position()
            .map_or(counted, |p| (p.byte() as usize).min(text.len()));
        while matches!(text.as_bytes().get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        lines += line_breaks(text.get(counted..start).unwrap_or_default());
        counted = counted.max(start);
        let row = (lines - inside.min(lines) + 1) as u32;
        inside += record.iter().map(line_breaks).sum::<usize>();
        // Rows of empty cells (spreadsheets write them at the end) are not rows.
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if rows.len() == MAX_IMPORT_ROWS {
            return Err(CsvError::TooManyRows {
                max: MAX_IMPORT_ROWS,
            });
        }
        rows.push(ImportRow {
            row,
            cells: record.iter().map(str::to_owned).collect(),
        });
    }
    if rows.is_empty() {
        return Err(CsvError::Empty);
    }
    Ok(CsvTable { header, rows })
}

/// Line breaks in `text`, a CRLF counted once.
fn line_breaks(text: &str) -> usize {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(|(i, b)| **b == b'\n' || (**b == b'\r' && bytes.get(i + 1) != Some(&b'\n')))
        .count()
}

/// Which column each heading names, each column at most once; `None` for a column
/// the import leaves out.
pub fn guess_columns(header: &[String]) -> Vec<Option<Column>> {
    let mut taken = Vec::new();
    header
        .iter()
        .map(|h| {
            let h = heading_key(h);
            let found = Column::ALL
                .into_iter()
                .find(|c| !taken.contains(c) && c.headings().contains(&h.as_str()));
            taken.extend(found);
            found
        })
        .collect()
}

fn heading_key(heading: &str) -> String {
    heading
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a row says, by column: the customer's details, and the owner it names.
pub fn row_details(columns: &[Option<Column>], cells: &[String]) -> (CustomerDetails, String) {
    let mut d = CustomerDetails::default();
    let mut owner = String::new();
    for (column, cell) in columns.iter().zip(cells) {
        let Some(column) = column else { continue };
        let cell = unguard(cell.trim()).to_owned();
        match column {
            Column::Name => d.name = cell,
            Column::Company => d.company = cell,
            Column::Phone => d.phone = cell,
            Column::Email => d.email = cell,
            Column::WechatId => d.wechat_id = cell,
            Column::Source => d.source = cell,
            Column::Tags => d.tags = split_tags(&cell),
            Column::Notes => d.notes = cell,
            Column::Owner => owner = cell,
        }
    }
    (d, owner)
}

/// Tags in one cell, separated the ways people separate them.
fn split_tags(cell: &str) -> Vec<String> {
    let parts: Vec<String> = cell
        .split([',', '，', ';', '；', '、', '|'])
        .map(str::to_owned)
        .collect();
    tidy_tags(&parts)
}

/// Whether a spreadsheet program would run a cell as a formula.
fn formula_like(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A cell as written, with a leading `'` so spreadsheet programs show a formula-like
/// value (`=HYPERLINK(…)`, `+86 …`) as text instead of running it.
fn guard(cell: &str) -> String {
    if formula_like(cell) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// Takes off the `'` [`guard`] adds, so an exported file imports unchanged.
fn unguard(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if formula_like(rest) => rest,
        _ => cell,
    }
}

/// Writes rows as CSV, starting with the byte-order mark. Cells a spreadsheet would
/// run as formulas are guarded.
pub fn write_csv<R, C>(header: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = String>,
{
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing to a Vec cannot fail; a record that did would be left out, not panic.
    let _ = writer.write_record(header);
    for row in rows {
        let cells: Vec<String> = row.into_iter().map(|c| guard(&c)).collect();
        let _ = writer.write_record(&cells);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    format!("{BOM}{}", String::from_utf8_lossy(&bytes))
}

/// What to do with a row that reaches a customer already kept (same phone, WeChat
/// ID or email), chosen once per file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnDuplicate {
    /// Fill in what the customer lacks, add the row's tags and notes.
    #[default]
    Merge,
    Skip,
}

/// One row of a file, numbered as the spreadsheet numbers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    pub row: u32,
    pub cells: Vec<String>,
}

/// Rows of a file to import, or (`commit: false`) to see what importing them would do.
/// The customer made from row `n` has the id `{id}-{n}`, so sending a part again
/// makes nobody twice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRows {
    pub id: String,
    pub columns: Vec<Option<Column>>,
    pub rows: Vec<ImportRow>,
    #[serde(default)]
    pub on_duplicate: OnDuplicate,
    /// Who owns a row that names nobody: the caller when not given.
    #[serde(default)]
    pub owner_id: Option<String>,
    pub commit: bool,
}

/// What happened (or would happen) to each row.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    pub rows: Vec<RowOutcome>,
}

impl ImportReport {
    /// How many rows were created, merged and skipped.
    pub fn counts(&self) -> (usize, usize, usize) {
        self.rows
            .iter()
            .fold((0, 0, 0), |(c, m, s), r| match r.result {
                RowResult::Created { .. } => (c + 1, m, s),
                RowResult::Merged { .. } => (c, m + 1, s),
                RowResult::Skipped { .. } => (c, m, s + 1),
            })
    }
}

impl ImportReport {
    /// The customers made or merged into, once each.
    pub fn changed_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .rows
            .iter()
            .filter_map(|r| match &r.result {
                RowResult::Created { id } | RowResult::Merged { id, .. } => Some(id.clone()),
                RowResult::Skipped { .. } => None,
            })
            .collect();
        ids.sort();
        ids.dedup();
        ids
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RowOutcomeWire")]
pub struct RowOutcome {
    pub row: u32,
    #[serde(flatten)]
    pub result: RowResult,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case", try_from = "RowResultWire")]
pub enum RowResult {
    Created {
        id: String,
    },
    /// Folded into the customer `id` (named `name`) it reaches.
    Merged {
        id: String,
        name: String,
    },
    Skipped {
        reason: SkipReason,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case", try_from = "SkipReasonWire")]
pub enum SkipReason {
    /// Nothing in the row.
    Blank,
    /// Fewer or more cells than the header.
    Cells {
        found: usize,
        expected: usize,
    },
    Invalid {
        errors: FieldErrors,
    },
    /// The owner cell names nobody the caller may give customers to.
    Owner {
        given: String,
    },
    /// The customer reached already exists and the file says skip.
    Duplicate {
        id: String,
        name: String,
    },
    /// The customer reached is someone else's, not the caller's to change.
    NotYours {
        name: String,
    },
    /// The row reaches more than one customer (its phone one, its email another).
    Ambiguous {
        names: Vec<String>,
    },
}

crate::wire::flat_tagged! {
    RowResult via RowResultWire by "result" {
        fields { id: String, name: String, reason: SkipReason }
        "created" => Created { id },
        "merged" => Merged { id, name },
        "skipped" => Skipped { reason },
    }
}

crate::wire::flat_tagged! {
    SkipReason via SkipReasonWire by "code" {
        fields {
            found: usize,
            expected: usize,
            errors: FieldErrors,
            given: String,
            id: String,
            name: String,
            names: Vec<String>,
        }
        "blank" => Blank,
        "cells" => Cells { found, expected },
        "invalid" => Invalid { errors },
        "owner" => Owner { given },
        "duplicate" => Duplicate { id, name },
        "not_yours" => NotYours { name },
        "ambiguous" => Ambiguous { names },
    }
}

/// How a [`RowOutcome`] is read: the row beside its result's fields, in one pass
/// (see `crate::wire`).
#[derive(Deserialize)]
struct RowOutcomeWire {
    row: u32,
    result: String,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    reason: Option<SkipReason>,
}

impl TryFrom<RowOutcomeWire> for RowOutcome {
    type Error = String;

    fn try_from(w: RowOutcomeWire) -> Result<RowOutcome, String> {
        Ok(RowOutcome {
            row: w.row,
            result: RowResult::try_from(RowResultWire {
                wire_tag: w.result,
                id: w.id,
                name: w.name,
                reason: w.reason,
            })?,
        })
    }
}

/// Folds an imported row into the customer it reaches: details they lack, its tags
/// and (when new) its notes. Whether anything changed.
pub fn merge_details(into: &mut crate::contact::Contact, d: &CustomerDetails) -> bool {
    let before = into.clone();
    for (mine, theirs) in [
        (&mut into.company, &d.company),
        (&mut into.phone, &d.phone),
        (&mut into.email, &d.email),
        (&mut into.wechat_id, &d.wechat_id),
        (&mut into.source, &d.source),
    ] {
        if mine.is_empty() {
            mine.clone_from(theirs);
        }
    }
    let mut tags = into.tags.clone();
    tags.extend(d.tags.iter().cloned());
    let tags = tidy_tags(&tags);
    if crate::crm::tags(&tags).is_ok() {
        into.tags = tags;
    }
    let notes = d.notes.trim();
    if !notes.is_empty() && !into.notes.contains(notes) {
        let joined = if into.notes.is_empty() {
            notes.to_owned()
        } else {
            format!("{}\n{notes}", into.notes)
        };
        if crate::validate::max_len(&joined, crate::crm::MAX_NOTES_CHARS).is_ok() {
            into.notes = joined;
        }
    }
    *into != before
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(row: &[&str]) -> Vec<String> {
        row.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn reads_quotes_bom_crlf_and_ragged_rows() {
        let text =
            "\u{feff}姓名,公司,备注\r\n王磊,\"星河, 科技\",\"第一行\n第二行\"\r\n李娜\r\n\r\n";
        let t = read_csv(text).unwrap();
        assert_eq!(t.header, cells(&["姓名", "公司", "备注"]));
        assert_eq!(
            t.rows[0].cells,
            cells(&["王磊", "星河, 科技", "第一行\n第二行"])
        );
        // Numbered as a spreadsheet shows them: a cell of two lines is one row.
        assert_eq!(
            (t.rows[1].row, t.rows[1].cells.clone()),
            (3, cells(&["李娜"]))
        );
        assert_eq!(t.rows.len(), 2, "the blank line is no row");
        let gap = read_csv("name\n甲\n\n乙\n").unwrap();
        assert_eq!(gap.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 4]);
        let gap = read_csv("name\r\n甲\r\n\r\n乙\r\n").unwrap();
        assert_eq!(gap.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 4]);
        // Old Mac line ends, a header cell of two lines, and a trailing row of
        // empty cells.
        let mac = read_csv("name\r甲\r乙\r,\r").unwrap();
        assert_eq!(mac.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 3]);
        let tall = read_csv("\"full\nname\",phone\n甲,1\n乙,2\n").unwrap();
        assert_eq!(tall.rows.iter().map(|r| r.row).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn an_empty_file_or_header_alone_is_refused() {
        assert_eq!(read_csv(""), Err(CsvError::Empty));
        assert_eq!(read_csv("name,phone\n"), Err(CsvError::Empty));
        assert_eq!(read_csv("name\n\n,\n"), Err(CsvError::Empty));
    }

    #[test]
    fn too_large_a_file_is_refused() {
        assert_eq!(
            read_csv(&"a".repeat(MAX_IMPORT_BYTES + 1)),
            Err(CsvError::TooLarge { max_mb: 6 })
        );
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut text = String::from("name\n");
        for n in 0..=MAX_IMPORT_ROWS {
            text.push_str(&format!("p{n}\n"));
        }
        assert_eq!(
            read_csv(&text),
            Err(CsvError::TooManyRows {
                max: MAX_IMPORT_ROWS
            })
        );
    }

    #[test]
    fn columns_are_guessed_in_both_languages_once_each() {
        let header = cells(&[
            "姓名",
            "Phone",
            "E-mail",
            "微信号",
            "Name",
            "whatever",
            "标签",
        ]);
        assert_eq!(
            guess_columns(&header),
            vec![
                Some(Column::Name),
                Some(Column::Phone),
                Some(Column::Email),
                Some(Column::WechatId),
                None,
                None,
                Some(Column::Tags)
            ]
        );
    }

    #[test]
    fn our_own_headings_are_recognised() {
        for locale in Locale::ALL {
            let header: Vec<String> = Column::ALL
                .iter()
                .map(|c| c.heading(locale).to_owned())
                .collect();
            let guessed: Vec<Option<Column>> = Column::ALL.into_iter().map(Some).collect();
            assert_eq!(guess_columns(&header), guessed, "{locale:?}");
        }
    }

    #[test]
    fn a_row_becomes_details_with_tags_split_and_guards_removed() {
        let columns = vec![
            Some(Column::Name),
            Some(Column::Phone),
            Some(Column::Tags),
            None,
            Some(Column::Owner),
        ];
        let (d, owner) = row_details(
            &columns,
            &cells(&[
                " 王磊 ",
                "'+86 138 0000 0000",
                "制造业，VIP; vip、制造业",
                "x",
                "李娜",
            ]),
        );
        assert_eq!(d.name, "王磊");
        assert_eq!(d.phone, "+86 138 0000 0000");
        assert_eq!(d.tags, cells(&["制造业", "VIP", "vip"]));
        assert_eq!(owner, "李娜");
    }

    #[test]
    fn written_csv_has_a_bom_quotes_and_formula_guards_and_reads_back() {
        let text = write_csv(
            &["name", "phone", "notes"],
            vec![
                cells(&["王磊", "+86 138", "说 \"好\", 下周"]),
                cells(&["=HYPERLINK(\"x\")", "", "a\nb"]),
            ],
        );
        assert!(text.starts_with(BOM));
        assert!(text.contains("'+86 138"));
        assert!(text.contains("'=HYPERLINK"));
        let back = read_csv(&text).unwrap();
        let columns = guess_columns(&back.header);
        let (d, _) = row_details(&columns, &back.rows[0].cells);
        assert_eq!(
            (d.name.as_str(), d.phone.as_str(), d.notes.as_str()),
            ("王磊", "+86 138", "说 \"好\", 下周")
        );
        let (d, _) = row_details(&columns, &back.rows[1].cells);
        assert_eq!(d.name, "=HYPERLINK(\"x\")");
        assert_eq!(d.notes, "a\nb");
    }

    #[test]
    fn merging_fills_gaps_adds_tags_and_new_notes_once() {
        let mut c = crate::contact::Contact {
            name: "王磊".into(),
            phone: "13800000000".into(),
            tags: cells(&["VIP"]),
            notes: "老客户".into(),
            ..Default::default()
        };
        let d = CustomerDetails {
            name: "王 磊".into(),
            company: "星河科技".into(),
            phone: "139".into(),
            tags: cells(&["制造业", "VIP"]),
            notes: "展会认识".into(),
            ..Default::default()
        };
        assert!(merge_details(&mut c, &d));
        assert_eq!(c.name, "王磊", "a name is never replaced");
        assert_eq!(c.phone, "13800000000", "what is there stays");
        assert_eq!(c.company, "星河科技");
        assert_eq!(c.tags, cells(&["VIP", "制造业"]));
        assert_eq!(c.notes, "老客户\n展会认识");
        assert!(!merge_details(&mut c, &d), "merging again changes nothing");
    }

    #[test]
    fn report_counts_each_outcome() {
        let report = ImportReport {
            rows: vec![
                RowOutcome {
                    row: 2,
                    result: RowResult::Created { id: "a".into() },
                },
                RowOutcome {
                    row: 3,
                    result: RowResult::Skipped {
                        reason: SkipReason::Blank,
                    },
                },
                RowOutcome {
                    row: 4,
                    result: RowResult::Merged {
                        id: "a".into(),
                        name: "王磊".into(),
                    },
                },
            ],
        };
        assert_eq!(report.counts(), (1, 1, 1));
        assert_eq!(report.changed_ids(), ["a"]);
    }
}
