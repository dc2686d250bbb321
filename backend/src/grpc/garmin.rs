//! `baton.garmin.v1.GarminService`. Every RPC answers UNIMPLEMENTED until the
//! Garmin issue builds it.

use baton_proto::garmin::v1::garmin_service_server::GarminService as GarminRpc;

/// The gRPC face of the Garmin use cases.
pub struct GarminApi;

#[tonic::async_trait]
impl GarminRpc for GarminApi {}
