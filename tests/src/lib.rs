//! End-to-end harness: a real zapis server on a free loopback port (with the demo site and the
//! built `dist/`), and a real headless browser driven over WebDriver.
//!
//! `cargo xtask test` builds `dist/` and sets `ZAPIS_DIST` and `CHROMEDRIVER`; run alone, the
//! tests look for `../dist` and `/usr/bin/chromedriver`.

pub mod browser;
pub mod server;
pub mod widget;

pub use browser::Browser;
pub use server::TestServer;
pub use widget::Widget;
