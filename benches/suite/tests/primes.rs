//! 100 tests, each using the shared fixture. Nothing here knows about
//! fastboot: `cargo fastboot test` and `cargo fastboot nextest run` thaw the
//! fixture for them.

/// Checks the fixture's `i`-th prime against trial division.
fn check(i: usize) {
    let primes = suite_bench::primes();
    assert_eq!(primes.len(), suite_bench::PRIMES);
    assert_prime(primes[i * 3_989 % suite_bench::PRIMES].to_native());
}

fn assert_prime(p: u64) {
    assert!(p >= 2 && (2..p).take_while(|d| d * d <= p).all(|d| p % d != 0), "{p}");
}

/// The same work without the fixture: what a test process costs when it
/// has none (the benchmark's reference; not one of the 100).
#[test]
#[ignore = "the benchmark's reference, run by name"]
fn without_fixture() {
    assert_prime(15_485_863);
}

#[test]
fn prime_00() {
    check(0);
}

#[test]
fn prime_01() {
    check(1);
}

#[test]
fn prime_02() {
    check(2);
}

#[test]
fn prime_03() {
    check(3);
}

#[test]
fn prime_04() {
    check(4);
}

#[test]
fn prime_05() {
    check(5);
}

#[test]
fn prime_06() {
    check(6);
}

#[test]
fn prime_07() {
    check(7);
}

#[test]
fn prime_08() {
    check(8);
}

#[test]
fn prime_09() {
    check(9);
}

#[test]
fn prime_10() {
    check(10);
}

#[test]
fn prime_11() {
    check(11);
}

#[test]
fn prime_12() {
    check(12);
}

#[test]
fn prime_13() {
    check(13);
}

#[test]
fn prime_14() {
    check(14);
}

#[test]
fn prime_15() {
    check(15);
}

#[test]
fn prime_16() {
    check(16);
}

#[test]
fn prime_17() {
    check(17);
}

#[test]
fn prime_18() {
    check(18);
}

#[test]
fn prime_19() {
    check(19);
}

#[test]
fn prime_20() {
    check(20);
}

#[test]
fn prime_21() {
    check(21);
}

#[test]
fn prime_22() {
    check(22);
}

#[test]
fn prime_23() {
    check(23);
}

#[test]
fn prime_24() {
    check(24);
}

#[test]
fn prime_25() {
    check(25);
}

#[test]
fn prime_26() {
    check(26);
}

#[test]
fn prime_27() {
    check(27);
}

#[test]
fn prime_28() {
    check(28);
}

#[test]
fn prime_29() {
    check(29);
}

#[test]
fn prime_30() {
    check(30);
}

#[test]
fn prime_31() {
    check(31);
}

#[test]
fn prime_32() {
    check(32);
}

#[test]
fn prime_33() {
    check(33);
}

#[test]
fn prime_34() {
    check(34);
}

#[test]
fn prime_35() {
    check(35);
}

#[test]
fn prime_36() {
    check(36);
}

#[test]
fn prime_37() {
    check(37);
}

#[test]
fn prime_38() {
    check(38);
}

#[test]
fn prime_39() {
    check(39);
}

#[test]
fn prime_40() {
    check(40);
}

#[test]
fn prime_41() {
    check(41);
}

#[test]
fn prime_42() {
    check(42);
}

#[test]
fn prime_43() {
    check(43);
}

#[test]
fn prime_44() {
    check(44);
}

#[test]
fn prime_45() {
    check(45);
}

#[test]
fn prime_46() {
    check(46);
}

#[test]
fn prime_47() {
    check(47);
}

#[test]
fn prime_48() {
    check(48);
}

#[test]
fn prime_49() {
    check(49);
}

#[test]
fn prime_50() {
    check(50);
}

#[test]
fn prime_51() {
    check(51);
}

#[test]
fn prime_52() {
    check(52);
}

#[test]
fn prime_53() {
    check(53);
}

#[test]
fn prime_54() {
    check(54);
}

#[test]
fn prime_55() {
    check(55);
}

#[test]
fn prime_56() {
    check(56);
}

#[test]
fn prime_57() {
    check(57);
}

#[test]
fn prime_58() {
    check(58);
}

#[test]
fn prime_59() {
    check(59);
}

#[test]
fn prime_60() {
    check(60);
}

#[test]
fn prime_61() {
    check(61);
}

#[test]
fn prime_62() {
    check(62);
}

#[test]
fn prime_63() {
    check(63);
}

#[test]
fn prime_64() {
    check(64);
}

#[test]
fn prime_65() {
    check(65);
}

#[test]
fn prime_66() {
    check(66);
}

#[test]
fn prime_67() {
    check(67);
}

#[test]
fn prime_68() {
    check(68);
}

#[test]
fn prime_69() {
    check(69);
}

#[test]
fn prime_70() {
    check(70);
}

#[test]
fn prime_71() {
    check(71);
}

#[test]
fn prime_72() {
    check(72);
}

#[test]
fn prime_73() {
    check(73);
}

#[test]
fn prime_74() {
    check(74);
}

#[test]
fn prime_75() {
    check(75);
}

#[test]
fn prime_76() {
    check(76);
}

#[test]
fn prime_77() {
    check(77);
}

#[test]
fn prime_78() {
    check(78);
}

#[test]
fn prime_79() {
    check(79);
}

#[test]
fn prime_80() {
    check(80);
}

#[test]
fn prime_81() {
    check(81);
}

#[test]
fn prime_82() {
    check(82);
}

#[test]
fn prime_83() {
    check(83);
}

#[test]
fn prime_84() {
    check(84);
}

#[test]
fn prime_85() {
    check(85);
}

#[test]
fn prime_86() {
    check(86);
}

#[test]
fn prime_87() {
    check(87);
}

#[test]
fn prime_88() {
    check(88);
}

#[test]
fn prime_89() {
    check(89);
}

#[test]
fn prime_90() {
    check(90);
}

#[test]
fn prime_91() {
    check(91);
}

#[test]
fn prime_92() {
    check(92);
}

#[test]
fn prime_93() {
    check(93);
}

#[test]
fn prime_94() {
    check(94);
}

#[test]
fn prime_95() {
    check(95);
}

#[test]
fn prime_96() {
    check(96);
}

#[test]
fn prime_97() {
    check(97);
}

#[test]
fn prime_98() {
    check(98);
}

#[test]
fn prime_99() {
    check(99);
}
