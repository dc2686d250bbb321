//! The framework ceiling for `cargo xtask bench`: a tonic server with nothing
//! but `grpc.health.v1.Health`, so the gap to Baton's own health Check is
//! what Baton adds (layers, routing, logging), not what tonic costs.
//!
//! Usage: `bare_health 127.0.0.1:PORT`; it serves until killed.

use std::net::SocketAddr;

use anyhow::Context;
use tonic::transport::Server;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let listen: SocketAddr = std::env::args()
        .nth(1)
        .context("usage: bare_health ADDRESS (e.g. 127.0.0.1:50051)")?
        .parse()
        .context("ADDRESS must be an IP address and port, e.g. 127.0.0.1:50051")?;
    // The reporter starts with the server as a whole ("") SERVING; holding
    // it keeps that status for the life of the process.
    let (_reporter, health) = tonic_health::server::health_reporter();
    // tonic's defaults, TCP_NODELAY included (Baton sets it too).
    Server::builder().add_service(health).serve(listen).await?;
    Ok(())
}
