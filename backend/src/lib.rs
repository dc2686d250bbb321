//! Baton's backend: the gRPC services (native and grpc-web) on one port, the
//! use cases behind them, and persistence.

pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod error;
pub mod garmin;
pub mod google;
pub mod grpc;
pub mod service;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod web;
