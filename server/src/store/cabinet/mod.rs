//! The client cabinet's tables: accounts with their identities and sessions ([`accounts`]),
//! questions to the salon ([`questions`]), what clients did and the deletion requests
//! ([`usage`]).

mod accounts;
mod passwords;
mod questions;
mod usage;

pub use accounts::{Account, SessionRow};
pub use passwords::Receipt;
pub use questions::{MessageRow, ThreadRow};
pub use usage::{CabinetUse, DeletionRow};
