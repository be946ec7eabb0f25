//! Metrics and SLA maths over tickets' histories: pure.
//!
//! - [`calendar`]: business hours (a weekly schedule in a time zone, holidays), the
//!   calendar and business clocks, and the parsers tiketti.yaml's SLA section uses.
//! - [`history`]: one ticket's status, assignee and group over time, as segments.
//! - [`sla`]: which target applies, and each SLA clock's elapsed time, due time and
//!   outcome.
//! - [`metrics`]: the figures of a period: counts, time statistics, SLA shares,
//!   handling time, backlog per day.
//!
//! Nothing here reads files, git or the clock: `store::timeline` supplies the
//! histories, `commands::report` the config and the time, and renders the result.
//! docs/reports.md defines every figure.

pub mod calendar;
pub mod history;
pub mod metrics;
pub mod sla;
