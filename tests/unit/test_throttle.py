"""Wrong-key throttling: per address, a one-second window, bounded memory, time moved by the test."""

from __future__ import annotations

from waaah.web.throttle import KeyThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def fail(throttle: KeyThrottle, address: str, times: int) -> None:
    for _ in range(times):
        throttle.failed(address)


def test_ten_wrong_keys_in_a_second_close_the_address_until_the_window_passes() -> None:
    clock = Clock()
    throttle = KeyThrottle(clock=clock)
    fail(throttle, "10.0.0.1", 9)
    assert throttle.retry_after("10.0.0.1") is None
    throttle.failed("10.0.0.1")
    assert throttle.retry_after("10.0.0.1") == 1
    clock.now += 0.999
    assert throttle.retry_after("10.0.0.1") == 1
    clock.now += 0.001
    assert throttle.retry_after("10.0.0.1") is None


def test_the_window_opens_at_the_first_wrong_key_and_a_slow_guesser_is_never_closed() -> None:
    clock = Clock()
    throttle = KeyThrottle(clock=clock)
    for _ in range(100):
        fail(throttle, "10.0.0.1", 5)
        clock.now += 0.6
        assert throttle.retry_after("10.0.0.1") is None


def test_addresses_are_counted_apart() -> None:
    throttle = KeyThrottle(clock=Clock())
    fail(throttle, "10.0.0.1", 10)
    assert throttle.retry_after("10.0.0.1") == 1
    assert throttle.retry_after("10.0.0.2") is None


def test_retry_after_rounds_up_to_whole_seconds_of_a_longer_window() -> None:
    clock = Clock()
    throttle = KeyThrottle(limit=2, window=5.0, clock=clock)
    fail(throttle, "a", 2)
    clock.now += 1.5
    assert throttle.retry_after("a") == 4


def test_the_table_holds_at_most_capacity_addresses_dropping_the_oldest() -> None:
    throttle = KeyThrottle(capacity=100, clock=Clock())
    fail(throttle, "first", 10)
    for n in range(1000):
        throttle.failed(f"10.1.{n // 256}.{n % 256}")
    assert len(throttle) == 100
    assert throttle.retry_after("first") is None  # forgotten: the newest addresses stayed
