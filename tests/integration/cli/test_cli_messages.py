"""send / bulk-send / messages / show over loopback."""

from __future__ import annotations

from pathlib import Path

from tests.integration.cli.cli_harness import SENDER, Cli, server_messages


def test_send_posts_e164_digits_and_prints_the_sms(logged_in: Cli) -> None:
    run = logged_in("send", "--from", SENDER, "--to", "07400 123456", "Your table is ready")
    assert run.code == 0, run
    assert "07400 123456" in run.stdout and "pending" in run.stdout
    (post,) = logged_in.api_requests("/sms/send")
    assert post["form"]["destination"] == ["447400123456"]
    assert post["form"]["source"] == [SENDER]
    assert post["form"]["text"] == ["Your table is ready"]
    assert run.stderr == ""


def test_send_json_is_one_typed_document(logged_in: Cli) -> None:
    run = logged_in("--json", "send", "--from", SENDER, "--to", "+447400123456", "Hi")
    assert run.code == 0, run
    data = run.json()
    assert isinstance(data["sms_id"], int)
    assert data["destination"] == "447400123456"
    assert data["type"] == "sent" and data["delivery_status"] == "pending"
    assert data["time"].endswith("Z")


def test_send_text_from_stdin(logged_in: Cli) -> None:
    run = logged_in("send", "--from", SENDER, "--to", "07400123456", "-", input="Line 1\nLine 2\n")
    assert run.code == 0, run
    (post,) = logged_in.api_requests("/sms/send")
    assert post["form"]["text"] == ["Line 1\nLine 2"]


def test_send_to_a_foreign_number_notes_it(logged_in: Cli) -> None:
    run = logged_in("send", "--from", SENDER, "--to", "+1 516 725 9623", "Hello")
    assert run.code == 0, run
    assert "not a UK number" in run.stderr
    (post,) = logged_in.api_requests("/sms/send")
    assert post["form"]["destination"] == ["15167259623"]


def test_bad_send_input_is_exit_2_with_no_request_at_all(logged_in: Cli) -> None:
    cases = [
        (("--to", "12345", "Hi"), "--to"),
        (("--to", "07400123456", ""), "empty"),
        (("--to", "07400123456", "   "), "empty"),
    ]
    for args, word in cases:
        run = logged_in("send", "--from", SENDER, *args)
        assert run.code == 2, run
        assert word in run.stderr
        assert run.stdout == ""
    run = logged_in("send", "--from", "Bad Sender!", "--to", "07400123456", "Hi")
    assert run.code == 2 and "--from" in run.stderr
    # Not even a token refresh went out.
    assert logged_in.requests() == []


def test_bad_input_wins_even_when_the_server_is_unreachable(logged_in: Cli) -> None:
    unreachable = "http://127.0.0.1:9/api"
    run = logged_in("--base-url", unreachable, "send", "--from", SENDER, "--to", "0740", "Hi")
    assert run.code == 2, run
    assert "--to: not a valid UK number: too short" in run.stderr
    run = logged_in("--base-url", unreachable, "dial", "+1 516 725 9623")
    assert run.code == 2 and "not a UK number" in run.stderr
    run = logged_in("--base-url", unreachable, "messages", "--since", "last week")
    assert run.code == 2 and "--since" in run.stderr


def test_server_validation_is_exit_4_with_field_messages(logged_in: Cli) -> None:
    run = logged_in("send", "--from", "SMTEST", "--to", "07400123456", "Hi")  # not approved
    assert run.code == 4, run
    assert "source" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1


def test_bulk_send_from_options_and_file(logged_in: Cli, tmp_path: Path) -> None:
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("# list\n07400 654321\n\n+447400123456  # dup of --to\n", "utf-8")
    run = logged_in(
        "bulk-send", "--from", SENDER, "--to", "07400123456", "--to-file", str(numbers), "Sale!"
    )
    assert run.code == 0, run
    assert "2 numbers" in run.stdout
    (post,) = logged_in.api_requests("/sms/bulk-send")
    assert post["form"]["destination[]"] == ["447400123456", "447400654321"]
    assert post["form"]["text"] == ["Sale!"]


def test_bulk_send_json(logged_in: Cli) -> None:
    run = logged_in(
        "--json", "bulk-send", "--from", SENDER, "--to", "07400123456", "--to", "07400654321", "X"
    )
    assert run.code == 0, run
    data = run.json()
    assert data["destinations"] == ["447400123456", "447400654321"]
    assert data["outbox_state"] == "sent" and isinstance(data["outbox_id"], int)
    # The bulk endpoint returns no ids: the outbox found both messages with /sms/list.
    assert sorted(m["destination"] for m in data["messages"]) == data["destinations"]
    assert all(isinstance(i, int) for i in data["sms_ids"]) and len(data["sms_ids"]) == 2


def test_bulk_send_reports_bad_lines_with_numbers_and_sends_nothing(
    logged_in: Cli, tmp_path: Path
) -> None:
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("07400 654321\nnot-a-number\n\n# ok\n0740\n", "utf-8")
    run = logged_in("bulk-send", "--from", SENDER, "--to-file", str(numbers), "Hi")
    assert run.code == 2, run
    assert "line 2" in run.stderr and "line 5" in run.stderr
    missing = logged_in("bulk-send", "--from", SENDER, "--to-file", str(tmp_path / "no"), "Hi")
    assert missing.code == 2 and "cannot read" in missing.stderr
    none = logged_in("bulk-send", "--from", SENDER, "Hi")
    assert none.code == 2 and "at least one destination" in none.stderr
    assert logged_in.requests() == []


def test_a_long_message_needs_long(logged_in: Cli) -> None:
    text = "x" * (153 * 11)  # 11 parts
    run = logged_in("send", "--from", SENDER, "--to", "07400123456", text)
    assert run.code == 2 and "11 parts" in run.stderr and "--long" in run.stderr
    assert logged_in.api_requests("/sms/send") == []
    run = logged_in("send", "--from", SENDER, "--to", "07400123456", "--long", text)
    assert run.code == 0, run
    assert len(logged_in.api_requests("/sms/send")) == 1


def test_bulk_send_over_the_limit_is_split_into_bulk_requests(
    logged_in: Cli, tmp_path: Path
) -> None:
    numbers = tmp_path / "numbers.txt"
    numbers.write_text("".join(f"07400 {100000 + n}\n" for n in range(1001)), "utf-8")
    run = logged_in("--json", "bulk-send", "--from", SENDER, "--to-file", str(numbers), "Hi")
    assert run.code == 0, run
    batch = run.json()["batch"]
    assert batch["recipients"] == 1001 and batch["counts"] == {"sent": 1001}
    requests = logged_in.api_requests("/sms/bulk-send")
    assert [len(r["form"]["destination[]"]) for r in requests] == [500, 500]
    assert len(logged_in.api_requests("/sms/send")) == 1  # the one number left over
    rows = logged_in("--json", "outbox").json()["outbox"]
    assert sorted(len(r["destinations"]) for r in rows) == [1, 500, 500]
    assert {r["state"] for r in rows} == {"sent"} and {r["batch_id"] for r in rows} == {1}
    texts = [m["text"] for m in server_messages(logged_in.sim) if m["text"] == "Hi"]
    assert len(texts) == 1001


def test_messages_newest_first_in_local_time(logged_in: Cli) -> None:
    logged_in.sim.state.inject_inbound("447400111222", "Older", time="2030-01-01 10:00:00")
    logged_in.sim.state.inject_inbound("447400111222", "Newer", time="2030-06-01 10:00:00")
    run = logged_in("messages", env={"TZ": "Europe/London"})
    assert run.code == 0, run
    lines = run.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "TIME", "DIR"]
    assert "Newer" in lines[1] and "2030-06-01 11:00:00" in lines[1]  # BST
    assert "Older" in lines[2] and "2030-01-01 10:00:00" in lines[2]  # GMT
    assert "07400 111222" in lines[1]
    assert "Page 1 of" in run.stdout


def test_messages_json_filters_and_paging(logged_in: Cli) -> None:
    data = logged_in("--json", "messages", "--page", "2").json()
    assert data["page"] == 2 and data["total"] > 10
    times = [m["time"] for m in data["messages"]]
    assert times == sorted(times, reverse=True)
    (req,) = logged_in.api_requests("/sms/list")
    assert req["query"]["page"] == "2"

    logged_in.sim.state.clear_requests()
    run = logged_in(
        "--json",
        "messages",
        "--receiver",
        "07520 602707",
        "--since",
        "2025-01-01 00:00:00",
        "--until",
        "2025-12-31 23:59:59",
    )
    assert run.code == 0, run
    (req,) = logged_in.api_requests("/sms/list")
    assert req["query"]["receiver"] == "447520602707"
    assert req["query"]["sent_since"] == "2025-01-01 00:00:00"
    assert req["query"]["sent_until"] == "2025-12-31 23:59:59"
    assert all(m["destination"] == "447520602707" for m in run.json()["messages"])


def test_messages_all_walks_every_page(logged_in: Cli) -> None:
    data = logged_in("--json", "messages", "--all").json()
    assert len(data["messages"]) == data["total"]
    assert len(logged_in.api_requests("/sms/list")) == data["last_page"]
    ids = [m["sms_id"] for m in data["messages"]]
    assert len(set(ids)) == len(ids)


def test_messages_bad_options(logged_in: Cli) -> None:
    for args, word in [
        (("--page", "0"), "--page"),
        (("--page", "2", "--all"), "not allowed with"),
        (("--since", "2025-13-01 00:00:00"), "--since"),
        (("--since", "2025-02-01 00:00:00", "--until", "2025-01-01 00:00:00"), "later"),
        (("--sender", "a b"), "--sender"),
    ]:
        run = logged_in("messages", *args)
        assert run.code == 2, run
        assert word in run.stderr
    assert logged_in.requests() == []


def test_show_prints_the_whole_message_safely(logged_in: Cli) -> None:
    sms_id = logged_in.sim.state.inject_inbound("447400111222", "Hi\x1b[2J there\nsecond line")
    run = logged_in("show", str(sms_id))
    assert run.code == 0, run
    # ESC arrives repaired as its visible symbol (hubdesk.api.text), never raw.
    assert "\x1b" not in run.stdout and "Hi\u241b[2J there" in run.stdout
    assert "second line" in run.stdout and "07400 111222" in run.stdout
    data = logged_in("--json", "show", str(sms_id)).json()
    assert data["text"] == "Hi\u241b[2J there\nsecond line"
    assert data["type"] == "received" and data["sms_count"] >= 1


def test_show_unknown_id_is_exit_4_and_bad_id_exit_2(logged_in: Cli) -> None:
    run = logged_in("show", "1")
    assert run.code == 4, run
    bad = logged_in("show", "abc")
    assert bad.code == 2 and "SMS_ID" in bad.stderr
