//! Where a wasm module's bytes are: code bytes per crate (from a build that keeps function
//! names) and the data section. Read straight from the module's sections (the format is four
//! LEB128 shapes), so the report needs no extra tool.

use std::collections::BTreeMap;

/// Code bytes per crate, largest first, and the data section's size.
pub struct Parts {
    pub code: u64,
    pub data: u64,
    pub functions: u64,
    pub by_crate: Vec<(String, u64)>,
}

fn leb(b: &[u8], i: &mut usize) -> Option<u64> {
    let (mut v, mut shift) = (0u64, 0);
    loop {
        let byte = *b.get(*i)?;
        *i += 1;
        v |= u64::from(byte & 0x7f) << shift;
        if byte < 0x80 {
            return Some(v);
        }
        shift += 7;
    }
}

fn name(b: &[u8], i: &mut usize) -> Option<String> {
    let len = leb(b, i)? as usize;
    let s = String::from_utf8_lossy(b.get(*i..*i + len)?).into_owned();
    *i += len;
    Some(s)
}

/// The crate a (demangled) function name belongs to: the first `crate[hash]::` or `crate::`
/// path in it, so `<alloc::vec::Vec<…> as tachys::…>::build` counts for tachys' trait impl
/// only when nothing comes first.
fn crate_of(f: &str) -> String {
    let trimmed = f.trim_start_matches(['<', '&', '(', ' ']);
    let end = trimmed.find(['[', ':', '<', ' ']).unwrap_or(trimmed.len());
    let krate = &trimmed[..end];
    if krate.is_empty() || !trimmed[end..].contains("::") {
        "(unnamed)".into()
    } else {
        krate.into()
    }
}

pub fn parts(wasm: &[u8]) -> Option<Parts> {
    let mut i = 8;
    let (mut imported, mut sizes, mut names, mut data) = (0u64, Vec::new(), BTreeMap::new(), 0u64);
    while i < wasm.len() {
        let id = wasm[i];
        i += 1;
        let size = leb(wasm, &mut i)? as usize;
        let (start, end) = (i, i + size);
        match id {
            2 => {
                let mut j = start;
                for _ in 0..leb(wasm, &mut j)? {
                    name(wasm, &mut j)?;
                    name(wasm, &mut j)?;
                    let kind = *wasm.get(j)?;
                    j += 1;
                    match kind {
                        0 => {
                            leb(wasm, &mut j)?;
                            imported += 1;
                        }
                        1 => {
                            j += 1;
                            let flags = leb(wasm, &mut j)?;
                            leb(wasm, &mut j)?;
                            if flags & 1 == 1 {
                                leb(wasm, &mut j)?;
                            }
                        }
                        2 => {
                            let flags = leb(wasm, &mut j)?;
                            leb(wasm, &mut j)?;
                            if flags & 1 == 1 {
                                leb(wasm, &mut j)?;
                            }
                        }
                        3 => j += 2,
                        _ => leb(wasm, &mut j).map(|_| ())?,
                    }
                }
            }
            10 => {
                let mut j = start;
                for _ in 0..leb(wasm, &mut j)? {
                    let len = leb(wasm, &mut j)?;
                    sizes.push(len);
                    j += len as usize;
                }
            }
            11 => data = size as u64,
            0 => {
                let mut j = start;
                if name(wasm, &mut j)? == "name" {
                    while j < end {
                        let sub = wasm[j];
                        j += 1;
                        let len = leb(wasm, &mut j)? as usize;
                        let next = j + len;
                        if sub == 1 {
                            for _ in 0..leb(wasm, &mut j)? {
                                let idx = leb(wasm, &mut j)?;
                                names.insert(idx, name(wasm, &mut j)?);
                            }
                        }
                        j = next;
                    }
                }
            }
            _ => {}
        }
        i = end;
    }
    let mut by_crate: BTreeMap<String, u64> = BTreeMap::new();
    for (k, len) in sizes.iter().enumerate() {
        let krate = names
            .get(&(k as u64 + imported))
            .map_or_else(|| "(unnamed)".into(), |n| crate_of(n));
        *by_crate.entry(krate).or_default() += len;
    }
    let mut by_crate: Vec<(String, u64)> = by_crate.into_iter().collect();
    by_crate.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    Some(Parts {
        code: sizes.iter().sum(),
        data,
        functions: sizes.len() as u64,
        by_crate,
    })
}

#[cfg(test)]
mod tests {
    use super::crate_of;

    #[test]
    fn a_function_counts_for_the_crate_its_path_starts_with() {
        assert_eq!(crate_of("widget[5efb]::embed::mount_app"), "widget");
        assert_eq!(
            crate_of("<reactive_graph[5a]::signal::rw::RwSignal<u8> as x::Get>::get"),
            "reactive_graph"
        );
        assert_eq!(crate_of("core::ptr::drop_in_place::<u8>"), "core");
        assert_eq!(crate_of("memcpy"), "(unnamed)");
    }
}
