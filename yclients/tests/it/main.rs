//! Integration tests of the YCLIENTS client and sandbox, all over real HTTP on 127.0.0.1.

mod activity;
mod admin;
mod booking;
mod cabinet;
mod catalog;
mod common;
mod concurrency;
mod decoding;
mod documented;
mod fidelity;
mod hooks;
mod records;
mod resilience;
mod schedule_rules;
mod secrets;
mod voip;
