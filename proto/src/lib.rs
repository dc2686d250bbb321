//! Baton's gRPC contracts: messages, client stubs and (feature `server`)
//! service traits, generated at build time from `proto/baton/**.proto`.

// Generated code: its doc comments are the proto comments verbatim, and its
// shapes are prost's and tonic's, not ours to restyle.
#![allow(
    clippy::doc_lazy_continuation,
    clippy::doc_overindented_list_items,
    clippy::large_enum_variant
)]

/// Encoded `FileDescriptorSet` of every Baton proto, for server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/baton_descriptor.bin"));

pub mod auth {
    pub mod v1 {
        tonic::include_proto!("baton.auth.v1");
    }
}

pub mod user {
    pub mod v1 {
        tonic::include_proto!("baton.user.v1");
    }
}

pub mod garmin {
    pub mod v1 {
        tonic::include_proto!("baton.garmin.v1");
    }
}

pub mod sharing {
    pub mod v1 {
        tonic::include_proto!("baton.sharing.v1");
    }
}

pub mod error {
    pub mod v1 {
        tonic::include_proto!("baton.error.v1");
    }
}
