//! `baton.sharing.v1.SharingService`. Every RPC answers UNIMPLEMENTED until
//! the sharing issue builds it.

use baton_proto::sharing::v1::sharing_service_server::SharingService as SharingRpc;

/// The gRPC face of the sharing use cases.
pub struct SharingApi;

#[tonic::async_trait]
impl SharingRpc for SharingApi {}
