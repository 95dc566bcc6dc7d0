#![no_main]

use libfuzzer_sys::{fuzz_mutator, fuzz_target};

fuzz_target!(|data: &[u8]| orglife_fuzz::feedback_xlsx(data));

fuzz_mutator!(|data: &mut [u8], size: usize, max_size: usize, seed: u32| {
    orglife_fuzz::mutate_zip(data, size, max_size, seed)
});
