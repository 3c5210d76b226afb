"""senders / sender-add / dial / dial-mask over loopback."""

from __future__ import annotations

from tests.integration.cli.cli_harness import SENDER, Cli


def test_senders_lists_every_page_with_status(logged_in: Cli) -> None:
    run = logged_in("senders")
    assert run.code == 0, run
    lines = run.stdout.splitlines()
    assert lines[0].split()[:2] == ["SENDER", "ID"]
    by_id = {line.split()[0]: line for line in lines[1:]}
    assert "approved" in by_id[SENDER]
    assert "awaiting approval" in by_id["SMTEST"]


def test_senders_json_walks_all_pages(logged_in: Cli) -> None:
    for n in range(12):  # more than one page of 10
        assert logged_in("sender-add", f"Extra{n}").code == 0
    logged_in.sim.state.clear_requests()
    data = logged_in("--json", "senders").json()
    assert len(data) == 16
    assert {d["status"] for d in data} == {"approved", "awaiting_approval"}
    assert len(logged_in.api_requests("/sender-id/list")) == 2


def test_sender_add(logged_in: Cli) -> None:
    run = logged_in("--json", "sender-add", "NewShop")
    assert run.code == 0, run
    assert run.json()["sender_id"] == "NewShop"
    (post,) = logged_in.api_requests("/sender-id/add")
    assert post["form"]["sender_id"] == ["NewShop"]
    assert any(s["sender_id"] == "NewShop" for s in logged_in.sim.state.sender_ids())


def test_sender_add_refuses_bad_ids_locally(logged_in: Cli) -> None:
    for bad in ("Has Space", "TooLongSenderName", "1234567890123456", "é"):
        run = logged_in("sender-add", bad)
        assert run.code == 2, run
    assert logged_in.requests() == []


def test_dial_uk_number(logged_in: Cli) -> None:
    run = logged_in("dial", "07400 123456")
    assert run.code == 0, run
    assert "Calling 07400 123456" in run.stdout
    (call,) = logged_in.sim.state.calls()
    assert call["destination"] == "447400123456"
    data = logged_in("--json", "dial", "+44 20 7946 0958").json()
    assert data["destination"] == "442079460958" and data["call_id"]


def test_dial_mask(logged_in: Cli) -> None:
    run = logged_in("--json", "dial-mask", "--from", "020 3504 1824", "07400 123456")
    assert run.code == 0, run
    assert run.json()["source"] == "442035041824"
    (post,) = logged_in.api_requests("/click-to-dial-mask/dial")
    assert post["form"]["source"] == ["442035041824"]
    assert post["form"]["destination"] == ["447400123456"]


def test_dial_refuses_non_uk_numbers_locally(logged_in: Cli) -> None:
    for args in (
        ("dial", "+1 516 725 9623"),
        ("dial", "07400"),
        ("dial-mask", "--from", "+33 1 42 68 53 00", "07400123456"),
        ("dial-mask", "--from", "02035041824", "+1 516 725 9623"),
    ):
        run = logged_in(*args)
        assert run.code == 2, run
        assert "number" in run.stderr
    assert logged_in.requests() == []
