//! Small shared code with no home in one capability: the clock, hashing and tokens, HTML
//! escaping, event props without secrets, URL pieces.
//! A leaf: it imports nothing from the crate.

pub mod clock;
pub mod crypto;
pub mod html;
pub mod props;
pub mod url;
