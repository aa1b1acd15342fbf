//! SRP speed, for the targets in BENCHMARKS.md. Run: `cargo bench -p cognito-auth-core --bench srp`.

use base64::Engine;
use cognito_auth_core::srp::{
    format_timestamp, ClientEphemeral, DeviceSecret, ServerChallenge, SrpIdentity, Verifier,
};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

struct Fixture {
    identity: SrpIdentity,
    verifier: Verifier,
    challenge: ServerChallenge,
    block: Vec<u8>,
    block_b64: String,
    timestamp: String,
}

fn fixture() -> Fixture {
    let identity = SrpIdentity::user(
        "us-east-1_Pj8nlkpKR",
        "7d4a6b1e-93c1-4c55-9b1a-2f0c3e9a1b77",
    );
    let verifier = Verifier::create(&identity, "Password1!");
    let challenge = ServerChallenge::new(&verifier);
    let block: Vec<u8> = (0..96u8).collect();
    let block_b64 = base64::engine::general_purpose::STANDARD.encode(&block);
    Fixture {
        identity,
        verifier,
        challenge,
        block,
        block_b64,
        timestamp: format_timestamp(1_709_629_623),
    }
}

fn claim(f: &Fixture, client: &ClientEphemeral) -> String {
    client
        .password_claim(
            &f.identity,
            "Password1!",
            &f.verifier.salt_hex(),
            &f.challenge.public_hex(),
            &f.block_b64,
            &f.timestamp,
        )
        .expect("claim")
}

fn client(c: &mut Criterion) {
    let f = fixture();
    let mut group = c.benchmark_group("client");
    group.bench_function("generate A", |b| b.iter(ClientEphemeral::generate));
    let ephemeral = ClientEphemeral::generate();
    group.bench_function("PASSWORD_VERIFIER step (A precomputed)", |b| {
        b.iter(|| claim(&f, black_box(&ephemeral)))
    });
    group.bench_function("PASSWORD_VERIFIER step including A", |b| {
        b.iter(|| claim(&f, &ClientEphemeral::generate()))
    });
    group.bench_function("device verifier for ConfirmDevice", |b| {
        b.iter(|| {
            DeviceSecret::generate(
                "-4dRs7QwE",
                "us-east-1_4d07944e-de25-425d-89a0-e2ebe04f6c57",
            )
        })
    });
    group.finish();
}

fn server(c: &mut Criterion) {
    let f = fixture();
    let ephemeral = ClientEphemeral::generate();
    let signature = claim(&f, &ephemeral);
    let a_hex = ephemeral.public_hex();
    let mut group = c.benchmark_group("server");
    group.bench_function("challenge (B)", |b| {
        b.iter(|| ServerChallenge::new(&f.verifier))
    });
    group.bench_function("verify claim", |b| {
        b.iter(|| {
            f.challenge
                .verify(
                    &f.verifier,
                    &f.identity,
                    &a_hex,
                    &f.block,
                    &f.timestamp,
                    &signature,
                )
                .expect("valid")
        })
    });
    group.finish();
}

criterion_group!(benches, client, server);
criterion_main!(benches);
