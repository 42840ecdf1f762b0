//! The booking flow: branch → services → master → date → time → contact → SMS code → booked.
//!
//! [`state`] holds the draft and the fetched data in Leptos signals (one [`state::Ctx`] per
//! mounted widget, provided as context); [`flow`] moves between steps and loads what each shows;
//! [`keep`] keeps the draft for the tab and the phone's Back inside the modal;
//! [`submit`] sends the booking; [`app`] is the frame; [`steps`] a component per step.

pub mod app;
pub mod flow;
pub mod keep;
pub mod state;
pub mod steps;
pub mod submit;
