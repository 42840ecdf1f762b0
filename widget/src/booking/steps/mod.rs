//! A component per step of the booking. Each is a [`StepSection`](crate::ui::StepSection)
//! (`<section data-step=…>`) whose heading takes focus when the step appears.

pub mod branch;
pub mod code;
pub mod contact;
pub mod date;
pub mod services;
pub mod staff;
pub mod success;
pub mod time;
