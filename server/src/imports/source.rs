//! A sheet from a file or a URL, as rows of text: CSV (UTF-8 with or without BOM, or
//! Windows-1251 as Excel saves it in Russia; the separator sniffed from the header line) and XLSX
//! (the first worksheet; dates kept as Excel serial numbers, read as dates by the mapping).
//! The first non-empty row is the header; empty rows are dropped; rows keep their number in
//! the sheet, so the owner finds "row 14" where Excel shows it.

use std::io::Cursor;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::mapping::Text;
use crate::store::LinkRow;

/// A parsed sheet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

/// One data row: its number in the sheet (the header is row 1 when it is the first line).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub number: u32,
    pub cells: Vec<String>,
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("the file has no rows")]
    Empty,
    #[error("the CSV could not be read: {0}")]
    Csv(String),
    #[error("the XLSX could not be read: {0}")]
    Xlsx(String),
}

impl SourceError {
    pub fn ru(&self) -> String {
        match self {
            SourceError::Empty => "В файле нет строк.".into(),
            SourceError::Csv(e) => format!("Не удалось прочитать CSV: {e}"),
            SourceError::Xlsx(e) => format!("Не удалось прочитать XLSX: {e}"),
        }
    }
}

impl Table {
    /// The column's index by its header (trimmed, case-insensitive).
    pub fn column(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name) || h.trim() == name)
    }
}

impl Row {
    pub fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map_or("", |c| c.trim())
    }

    /// The row's key: the key column's value, or a hash of all its cells.
    pub fn key(&self, key_column: Option<usize>) -> String {
        match key_column {
            Some(i) => self.cell(i).to_owned(),
            None => {
                let mut h = Sha256::new();
                for c in &self.cells {
                    h.update(c.trim().as_bytes());
                    h.update([0x1f]);
                }
                hex::encode(&h.finalize()[..12])
            }
        }
    }
}

/// Reads a CSV or XLSX file (told apart by content, not by name).
pub fn parse(bytes: &[u8]) -> Result<Table, SourceError> {
    let grid = if bytes.starts_with(b"PK\x03\x04") {
        xlsx(bytes)?
    } else {
        csv_grid(&decode(bytes))?
    };
    table(grid)
}

/// Text of a CSV: UTF-8 (its BOM dropped) when valid, else Windows-1251.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1251.decode(bytes).0.into_owned(),
    }
}

/// The separator of the first line: the most frequent of `;`, `,`, tab and `|` outside quotes.
fn separator(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b';', 0), (b',', 0), (b'\t', 0), (b'|', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(s, _)| *s == b) {
            c.1 += 1;
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(s, _)| *s)
}

fn csv_grid(text: &str) -> Result<Vec<(u32, Vec<String>)>, SourceError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(text))
        .from_reader(text.as_bytes());
    let mut grid = Vec::new();
    let bytes = text.as_bytes();
    // The line where each record starts, counted from its byte offset (csv's own line count
    // is off by one after a CRLF line end).
    let (mut line, mut counted) = (1u32, 0usize);
    for record in reader.records() {
        let record = record.map_err(|e| SourceError::Csv(e.to_string()))?;
        let mut at = record
            .position()
            .map_or(0, |p| p.byte() as usize)
            .min(bytes.len());
        // After a CRLF the position may point at its `\n`; a record never starts on a line end.
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        if at > counted {
            line += bytes[counted..at].iter().filter(|b| **b == b'\n').count() as u32;
            counted = at;
        }
        grid.push((line, record.iter().map(str::to_owned).collect()));
    }
    Ok(grid)
}

fn xlsx(bytes: &[u8]) -> Result<Vec<(u32, Vec<String>)>, SourceError> {
    use calamine::{Data, Reader, Xlsx};
    let mut book =
        Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|e| SourceError::Xlsx(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or(SourceError::Empty)?
        .map_err(|e| SourceError::Xlsx(e.to_string()))?;
    let first = range.start().map_or(0, |(r, _)| r) + 1;
    let lead = range.start().map_or(0, |(_, c)| c) as usize;
    let text = |d: &Data| match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => number(d.as_f64()),
        Data::Error(e) => format!("#{e:?}"),
    };
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            let mut row = vec![String::new(); lead];
            row.extend(cells.iter().map(text));
            (first + i as u32, row)
        })
        .collect())
}

/// A number as a person writes it: `79161234567`, not `79161234567.0`.
fn number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn table(grid: Vec<(u32, Vec<String>)>) -> Result<Table, SourceError> {
    let mut rows = grid
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let (_, headers) = rows.next().ok_or(SourceError::Empty)?;
    let headers = headers.into_iter().map(|h| h.trim().to_owned()).collect();
    Ok(Table {
        headers,
        rows: rows.map(|(number, cells)| Row { number, cells }).collect(),
    })
}

/// The largest CSV fetched from a URL.
pub const MAX_SOURCE_BYTES: usize = 10 << 20;

/// The link's sheet: the upload as stored, or the URL fetched now.
pub async fn sheet(link: &LinkRow) -> Result<Table, Text> {
    if let Some(url) = &link.source_url {
        let bytes = fetch(url).await?;
        return parse(&bytes).map_err(|e| Text::new(e.ru(), e.to_string()));
    }
    link.sheet
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .ok_or_else(|| Text::new("Файл не загружен.", "No file uploaded."))
}

async fn fetch(url: &str) -> Result<Vec<u8>, Text> {
    let failed = |e: String| {
        Text::new(
            format!("Не удалось загрузить {url}: {e}"),
            format!("Could not fetch {url}: {e}"),
        )
    };
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| failed(e.to_string()))?;
    let mut response = client
        .get(url)
        .send()
        .await
        .map_err(|e| failed(e.without_url().to_string()))?;
    if !response.status().is_success() {
        return Err(failed(format!("HTTP {}", response.status().as_u16())));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| failed(e.without_url().to_string()))?
    {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_SOURCE_BYTES {
            return Err(failed(format!("more than {MAX_SOURCE_BYTES} bytes")));
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests;
