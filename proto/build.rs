//! Generates Rust from every `.proto` under `baton/` with protox (no system
//! protoc), and writes the descriptor set that server reflection serves.

use std::{
    env, fs, io,
    path::{Path, PathBuf},
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut files = Vec::new();
    collect_protos(Path::new("baton"), &mut files)?;
    files.sort();
    println!("cargo:rerun-if-changed=baton");

    let descriptors = protox::compile(&files, ["."])?;
    let out_dir = PathBuf::from(env::var("OUT_DIR")?);
    fs::write(out_dir.join("baton_descriptor.bin"), prost::Message::encode_to_vec(&descriptors))?;

    tonic_prost_build::configure()
        // Client stubs must compile for wasm32, where tonic has no transport.
        .build_transport(false)
        .build_server(env::var_os("CARGO_FEATURE_SERVER").is_some())
        .build_client(env::var_os("CARGO_FEATURE_CLIENT").is_some())
        // RPCs a later issue builds answer UNIMPLEMENTED until then.
        .generate_default_stubs(true)
        .compile_fds(descriptors)?;
    Ok(())
}

fn collect_protos(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_protos(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "proto") {
            println!("cargo:rerun-if-changed={}", path.display());
            files.push(path);
        }
    }
    Ok(())
}
