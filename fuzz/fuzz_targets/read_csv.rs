#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| orglife_fuzz::read_file(data, "csv"));
