"""The ``clinic-app`` command: start the program, or run one of its maintenance sub-commands.

Heavy modules are imported inside each command, so ``clinic-app`` starts fast.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__, cli_keys, paths
from .cli_auth import LOGIN_COMMANDS, add_login, logged_in, needs_login, require_existing_db, writing


def _add_db(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--db", metavar="PATH", required=required,
                        help=f"数据库文件（默认：用户数据目录下的 {paths.DB_FILENAME}，"
                             f"或环境变量 {paths.DB_ENV_VAR}）")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clinic-app", description="严重精神障碍患者免费服药项目管理")
    parser.add_argument("--version", action="version", version=__version__)
    _add_db(parser)
    parser.add_argument("--demo", action="store_true", help="在临时文件夹中用演示数据启动，并以演示用户登录")
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command")

    demo = sub.add_parser("demo", help="写入合成的演示数据")
    _add_db(demo, required=True)
    demo.add_argument("--patients", type=int, default=200)
    demo.add_argument("--seed", type=int, default=20190318)
    demo.add_argument("--months", type=int, default=12, help="领药记录的月数（默认12个月）")

    audit = sub.add_parser("audit", help="审计记录")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser("verify", help="校验审计链是否完整（同 clinic-app verify）")
    _add_db(verify, required=True)
    verify.add_argument("--anchor", metavar="MANIFEST", help=argparse.SUPPRESS)

    check = sub.add_parser("verify", help="校验全部记录与审计链是否未被改动（只读，无需登录）")
    _add_db(check, required=True)
    check.add_argument("--anchor", metavar="MANIFEST",
                       help="季度台账包中的 manifest.json：证明其导出时的历史至今未被改写")

    backup = sub.add_parser("backup", help="备份数据库")
    _add_db(backup, required=True)
    backup.add_argument("--out", metavar="DIR", required=True)
    add_login(backup)

    restore = sub.add_parser("restore", help="从备份恢复数据库")
    _add_db(restore, required=True)
    restore.add_argument("file", metavar="FILE")
    restore.add_argument("--accept-broken-chain", action="store_true",
                         help="备份的审计记录未通过校验时仍恢复（仅管理员；此确认记入审计）")
    restore.add_argument("--recovery-key", action="store_true",
                         help="备份来自另一台电脑：先询问那台电脑的恢复密钥（从终端，或标准输入的第一行）；"
                              "恢复后的数据库改用本机密钥加密")
    add_login(restore)

    shots = sub.add_parser("screenshots", help="保存主要界面的截图（PNG）")
    shots.add_argument("--out", metavar="DIR", default="screenshots")
    _add_print_parser(sub)
    _add_import_parser(sub)
    _add_ledger_parsers(sub)
    _add_sign_agreement_parser(sub)
    cli_keys.add_parsers(sub, _add_db)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Every command runs through ``cli_errors.guarded``: a Chinese line, never a traceback."""
    from .cli_errors import guarded

    if os.name == "posix":
        os.umask(0o077)  # backups, logs and printouts hold patient data: the user's own files
    args = build_parser().parse_args(argv)
    handler = COMMANDS.get(args.command or "gui")
    status = guarded(handler, args)
    if args.command:  # the GUI shows a new recovery code in a dialog of its own
        guarded(lambda _args: cli_keys.announce_new_code(), args)
    return status


def _gui(args) -> int:
    from .ui.app import run

    return run(db_path=None if args.demo else paths.resolve_db_path(args.db), demo=args.demo,
               startup_probe=args.startup_probe)


def _demo(args) -> int:
    """No login: it writes a *new* demonstration database with its own accounts. It refuses a
    database that holds anything but demo data, so it can never mix made-up patients into a
    clinic's real register."""
    from .storage import demo
    from .storage.db import open_database

    with writing(args.db, "demo"):
        db = open_database(args.db)
        try:
            demo.refuse_real_database(db, args.db)
            result = demo.write_demo(db, patients=args.patients, seed=args.seed, months=args.months)
        finally:
            db.conn.close()
    print(f"已写入演示数据：{result['patients']} 名患者，{result['households']} 户，"
          f"{result['users']} 个用户，{result['dispensings']} 次领药 → {args.db}")
    return 0


def _audit(args) -> int:
    """``clinic-app verify`` (and its old name ``audit verify``): read-only, no login, no key
    created. Exit 1 naming the first bad record; with ``--anchor``, also 1 when the history the
    manifest anchored is no longer a prefix of the chain."""
    from .storage import integrity
    from .storage.db import check_existing, connect

    if not Path(args.db).exists():
        print(f"找不到数据库文件：{args.db}", file=sys.stderr)
        return 2
    anchor = integrity.read_anchor(args.anchor) if getattr(args, "anchor", None) else None
    db = connect(check_existing(require_existing_db(args.db)))
    try:
        result = integrity.verify(db)
        anchored = integrity.check_anchor(db, anchor) if anchor is not None and result.ok else None
    finally:
        db.conn.close()
    if not result.ok:
        for problem in result.problems[:10]:
            where = (f"first bad row: {problem.row_id}" if problem.table == "audit_log"
                     else f"first bad record: {problem.table or '-'} {problem.row_id or ''}".rstrip())
            print(f"{problem.message}（{where}）", file=sys.stderr)
        if len(result.problems) > 10:
            print(f"……另有 {len(result.problems) - 10} 处问题", file=sys.stderr)
        return 1
    if anchored:
        print(f"与清单记录的历史不符：{anchored}", file=sys.stderr)
        return 1
    print(f"审计链完整：共 {result.audit_checked} 行")
    print(f"全部记录校验通过：共 {result.rows_checked} 条记录")
    if anchor is not None:
        print(f"与清单记录的历史一致（审计链第 {anchor.get('audit_count')} 行及之前均未被改动）")
    return 0


def _backup(args) -> int:
    from .storage import backup

    if not Path(args.db).is_file():
        raise backup.BackupError(f"找不到要备份的数据库文件：{args.db}")
    return _backup_logged_in(args)


@needs_login("backup.create", "backup")
def _backup_logged_in(args, db, user) -> int:
    from .services import backup as backup_services

    path = backup_services.back_up(db, user, Path(args.db), Path(args.out), reason="命令行")
    print(f"已备份到 {path}")
    return 0


def _restore(args) -> int:
    """Refused while the program has the database open: it would be replaced under its feet.
    The session lock is taken first, without waiting (a running program is refused at once);
    then the login holds the write lock, so a command writing meanwhile either finishes first
    and is in the safety copy, or waits and writes into the restored database."""
    from .storage import backup
    from .storage.lock import InstanceLock, WriteLock

    db_path, file = Path(args.db), Path(args.file)
    key = cli_keys.recovered_key(args)  # asked first: the password is the next line
    with InstanceLock(db_path):
        # a bad file is refused before anything is written
        backup.check_restorable(db_path, file, args.accept_broken_chain, key=key)
        if db_path.exists():
            return _restore_logged_in(args, key=key)
        # Nothing to log in to yet (a new computer): the backup's own accounts decide, and a
        # refused login leaves no database behind.
        with WriteLock.of(db_path).hold(purpose="clinic-app restore"):
            backup.restore(db_path, file, args.accept_broken_chain, key=key)
            try:
                return _restore_logged_in(args, fresh=True, key=key)
            except BaseException:
                backup.remove_database(db_path)
                raise


@needs_login("backup.restore", "restore")
def _restore_logged_in(args, db, user, fresh: bool = False, key: bytes | None = None) -> int:
    from .storage import audit, backup
    from .storage.db import open_database

    db.conn.close()  # the file is about to be replaced; the write lock stays held
    broken = backup.chain_problem(Path(args.file), key=key) if args.accept_broken_chain else None
    kept = None if fresh else backup.restore(Path(args.db), Path(args.file), args.accept_broken_chain,
                                             key=key)
    restored = open_database(args.db)
    try:
        audit.record(restored, audit.RESTORE, "database", None,
                     f"从备份 {Path(args.file).name} 恢复" + (f"；原数据库保存为 {kept.name}" if kept else "")
                     + (f"；管理员确认使用审计记录未通过校验的备份（{broken}）" if broken else "")
                     + ("；备份来自另一台电脑（用其恢复密钥打开），已改用本机密钥加密" if key else ""),
                     detail={"broken_chain": broken} if broken else None, user=user)
    finally:
        restored.conn.close()
    if kept:
        print(f"已恢复。原数据库已保存为 {kept}")
    else:
        print("已恢复。")
    return 0


def _screenshots(args) -> int:
    from .ui.screenshots import save_all

    for path in save_all(Path(args.out)):
        print(path)
    return 0


COMMANDS = {"gui": _gui, "demo": _demo, "audit": _audit, "verify": _audit, "backup": _backup, "restore": _restore,
            "screenshots": _screenshots, "recover-key": cli_keys.recover_key}


# --- print: the application form, the agreement, the patient register ----------------------

PRINTABLE = {"application": "服药审批表", "agreement": "服务协议", "register": "患者登记名单",
             "card": "救助卡", "card-rows": "救助卡新领药记录（套打）", "slip": "领药单",
             "calibration": "救助卡套打校准页"}
CARD_DOCUMENTS = ("card", "card-rows", "slip", "calibration")
# Who may print what (domain.roles.PERMISSIONS). The calibration page shows no patient data and
# writes nothing (not even an audit row), so it needs no login, like ``audit verify``.
PRINT_ACTIONS = {"application": "patient.print", "agreement": "patient.print", "card": "patient.print",
                 "card-rows": "patient.print", "slip": "patient.print", "register": "lists.print",
                 "calibration": None}
LOGIN_COMMANDS.update({f"print {doc}": action for doc, action in PRINT_ACTIONS.items() if action})


def _add_print_parser(sub) -> None:
    printing = sub.add_parser("print", help="打印服药审批表、服务协议、救助卡、领药单（PDF）或患者登记名单（PDF / Excel）")
    printing.add_argument("document", choices=tuple(PRINTABLE),
                          help="application 服药审批表；agreement 服务协议；register 患者登记名单；"
                               "card 救助卡（整本）；card-rows 救助卡新领药记录（套打到已印好的卡上）；"
                               "slip 领药单；calibration 救助卡套打校准页")
    _add_db(printing, required=True)
    printing.add_argument("--patient", metavar="ID_NUMBER",
                          help="患者身份证号（打印审批表、服务协议、救助卡时必填）")
    printing.add_argument("--dispensing", metavar="N", type=int, help="领药记录编号（打印领药单时必填）")
    printing.add_argument("--out", metavar="FILE",
                          help="输出文件：.pdf；登记名单也可为 .xlsx（与 --printer 至少给一个）")
    printing.add_argument("--printer", metavar="NAME",
                          help="直接送往这台打印机（实际大小、不缩放，纸张取文档的页面大小；不弹出对话框）")
    printing.add_argument("--draft", action="store_true",
                          help="服务协议：打印待签字的协议（续签时用）；打印不等于签订，签字后用 sign-agreement 登记")
    printing.add_argument("--clinic", metavar="CODE", help="待签字协议的定点医院代码（默认上一份协议的或本单位的）")
    printing.add_argument("--date", metavar="YYYY-MM-DD", help="待签字协议上预填的签字日期（默认留空手写）")
    add_login(printing)


def _print_document(args) -> int:
    """Exit 0 and the output path; 1 with a Chinese reason when there is nothing to print."""
    if not Path(args.db).exists():
        print(f"找不到数据库文件：{args.db}", file=sys.stderr)
        return 2
    if not args.out and not args.printer:
        print("请用 --out 指定输出文件，或用 --printer 指定打印机", file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else None
    if out is not None and args.document != "register" and out.suffix.lower() != ".pdf":
        print(f"{PRINTABLE[args.document]}只能保存为 PDF 文件（.pdf）", file=sys.stderr)
        return 1
    if args.printer:
        if out is not None and out.suffix.lower() == ".xlsx":
            print("Excel 文件不能直接打印：请用 .pdf 或不给 --out", file=sys.stderr)
            return 1
        refused = _printer_refusal(args.printer)  # before logging in: nothing is written or audited
        if refused:
            print(refused, file=sys.stderr)
            return 1
    target = out if out is not None else _memory_file()
    if args.document in CARD_DOCUMENTS:
        return _print_card_document(args, target)
    return _printing(args, target, lambda db, user: _print_patient_document(db, user, args, target))


def _memory_file():
    import io

    return io.BytesIO()


def _printer_refusal(name: str) -> str | None:
    """Why ``--printer NAME`` cannot be used (an unknown printer, no print system), else None.
    Printing needs Qt's print system, which lives in ``ui.printing``: the one module the command
    line reaches there (pyproject's import contract says so)."""
    from .ui.printing.direct import PrintError, check_printer

    try:
        check_printer(name)
    except PrintError as exc:
        return exc.message
    return None


def _send_to_printer(args, target) -> str:
    from .ui.printing.direct import print_pdf

    data = target.getvalue() if hasattr(target, "getvalue") else Path(target).read_bytes()
    pages = print_pdf(args.printer, data, title=PRINTABLE[args.document])
    return f"已送往打印机“{args.printer}”：{pages} 页（实际大小，不缩放）"


def _print_patient_document(db, user, args, out: Path):
    from .services import printing

    if args.document == "register":
        return printing.print_register(db, user, out), ""
    patient_id = _patient_of(db, args.patient)
    if patient_id is None:
        return None
    if args.document == "application":
        return printing.print_application(db, user, patient_id, out), ""
    from .storage import agreements, applications

    planned = applications.iso_date(args.date, "签字日期", field="date") if args.date else None
    draft = args.draft or agreements.latest(db, patient_id) is None
    path = printing.print_agreement(db, user, patient_id, out, draft=draft, clinic_code=args.clinic,
                                    planned=planned)
    note = "此为待签字的协议，尚未登记为已签订；双方签字后请用 clinic-app sign-agreement 登记" if draft else ""
    return path, note


def _printing(args, out, produce) -> int:
    """Log in (unless the document needs none), let ``produce(db, user)`` write ``out`` (a file,
    or memory when only ``--printer`` is given) and return (path, note[, finish]) — or None after
    it said why not — send it to ``--printer``, then ``finish(db, user)``; storage, file and
    printer errors become a Chinese line and exit code 1."""
    from .storage.db import open_existing
    from .storage.errors import StorageError

    printer_errors: tuple = ()
    if args.printer:
        from .ui.printing.direct import PrintError

        printer_errors = (PrintError,)
    action = PRINT_ACTIONS[args.document]
    lines: list[str] = []

    def run(db, user):
        result = produce(db, user)
        if result is None:
            return None
        path, note, *finish = result
        if args.printer:
            lines.append(_send_to_printer(args, out))
        if finish:
            lines.append(finish[0](db, user))
        if args.out:
            lines.insert(0, str(path))
        if note:
            lines.append(note)
        return lines

    try:
        if action is None:
            db = open_existing(args.db)
            try:
                result = run(db, None)
            finally:
                db.conn.close()
        else:
            with logged_in(args, action, f"print {args.document}") as (db, user):
                result = run(db, user)
    except StorageError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except printer_errors as exc:
        print(exc.message, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"无法写入文件 {out}：{exc.strerror or exc}", file=sys.stderr)
        return 1
    if result is None:
        return 1
    for line in result:
        if line:
            print(line)
    return 0


COMMANDS["print"] = _print_document


def _patient_of(db, id_number: str | None) -> int | None:
    """The patient named by ``--patient ID_NUMBER``; says in Chinese why not and returns None."""
    from .domain import idnumber
    from .storage import patients

    number = idnumber.normalize(id_number)
    if not number:
        print("请用 --patient 指定患者身份证号", file=sys.stderr)
        return None
    patient_id = patients.find_by_id_number(db, number)
    if patient_id is None:
        print(f"找不到身份证号为 {number} 的患者", file=sys.stderr)
    return patient_id


def _print_card_document(args, out) -> int:
    """print card | card-rows | slip | calibration: the rescue card, new rows onto a printed card
    (the pages to feed follow the path), a dispensing slip, the printer calibration page."""
    if args.document == "slip" and args.dispensing is None:
        print("请用 --dispensing 指定领药记录编号", file=sys.stderr)
        return 1
    return _printing(args, out, lambda db, user: _print_card_job(db, user, args, out))


def _print_card_job(db, user, args, out):
    from .services import printing

    if args.document == "slip":
        return printing.print_slip(db, user, args.dispensing, out), ""
    if args.document == "calibration":
        return printing.print_calibration(db, out), ""
    patient_id = _patient_of(db, args.patient)
    if patient_id is None:
        return None
    if args.document == "card":
        result = printing.print_card(db, user, patient_id, out)
        note = ""
    else:
        result = printing.print_new_card_rows(db, user, patient_id, out)
        note = result.instruction()

    def finish(db, user) -> str:
        """No one at the printer to ask: the command marks the rows printed once they were
        written or sent (the window asks "新记录是否已正确打印在救助卡上？" instead)."""
        marked = printing.confirm_card_rows_printed(db, user, patient_id, result.row_ids)
        return f"已登记 {marked} 条领药记录为已打印在救助卡上" if marked else ""
    return result.path, note, finish


# --- import-register: read an existing patient register (Attachment 8) ------------------------

def _add_import_parser(sub) -> None:
    imp = sub.add_parser("import-register", help="导入已有的患者登记名单（附件8，.xlsx 或 .csv）")
    imp.add_argument("file", metavar="FILE")
    _add_db(imp, required=True)
    imp.add_argument("--dry-run", action="store_true", help="只检查、写出导入报告，不写入数据库")
    imp.add_argument("--json", action="store_true", help="在标准输出上给出每行结果的 JSON 列表")
    add_login(imp)


def _import_register(args) -> int:
    """Exit 0 when every row is good; 1 when some rows are in error or duplicates (the good rows
    are still imported unless --dry-run); 2 when the file or the database cannot be read.
    A dry run writes nothing but shows patient data, so it logs in as well."""
    from .exchange import register_import as ri

    from .exchange.register_reading import choose_sheet, read_sheets

    require_existing_db(args.db)
    try:
        choose_sheet(read_sheets(Path(args.file)))  # an unreadable file is refused before logging in
        return _import_logged_in(args)
    except ri.RegisterFileError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    except ri.ImportFailed as exc:
        print(exc.message, file=sys.stderr)
        return 1


@needs_login("register.import", "import-register")
def _import_logged_in(args, db, user) -> int:
    import json

    from .exchange import register_import as ri
    from .services import register

    result = register.import_register(db, user, Path(args.file), dry_run=args.dry_run)
    summary = sys.stderr if args.json else sys.stdout
    if args.json:
        print(json.dumps([r.as_json() for r in result.rows], ensure_ascii=False, indent=1))
    else:
        for r in result.rows:
            name = r.values.get("name") or "（无姓名）"
            text = "；".join(r.messages)
            print(f"第 {r.row} 行  {ri.report_status(r, not args.dry_run)}  {name}"
                  + (f"：{text}" if text else ""))
    for note in result.parsed.notes:
        print(note, file=summary)
    done = "试导入（未写入）" if args.dry_run else f"已导入 {result.imported} 行"
    print(f"{result.parsed.summary()}；{done}", file=summary)
    print(f"导入报告：{result.report_path.resolve()}" if result.report_path else result.report_error,
          file=summary)
    return 1 if result.parsed.error_count or result.parsed.duplicate_count else 0


COMMANDS["import-register"] = _import_register


# --- the quarterly ledger: export-ledger, close-quarter, reopen-quarter --------------------------
# All three need an account (cli_auth): --user names it and the password is read from --password,
# else asked for on a terminal, else read from the first line of standard input
# (``echo "$PW" | clinic-app close-quarter …``). The package holds whole ID numbers, so exporting
# logs in like printing does; the export is recorded in the audit trail with the user.

def _add_ledger_parsers(sub) -> None:
    export = sub.add_parser("export-ledger", help="导出季度台账（Excel、CSV、PDF 和校验清单）到文件夹（如U盘）")
    _add_db(export, required=True)
    export.add_argument("--quarter", required=True, metavar="Q", help="季度，如 2026Q3")
    export.add_argument("--out", required=True, metavar="DIR", help="导出到的文件夹，其中生成 <单位代码>_<季度>/")
    export.add_argument("--replace", action="store_true", help="已有同名台账文件夹时替换它")
    add_login(export)
    close = sub.add_parser("close-quarter", help="季度结账（须先导出台账）")
    _add_db(close, required=True)
    close.add_argument("--quarter", required=True, metavar="Q", help="季度，如 2026Q3")
    close.add_argument("--package", metavar="DIR", help="核对该文件夹即最近一次导出的台账（可选）")
    add_login(close)
    reopen = sub.add_parser("reopen-quarter", help="重新开账（仅管理员，须写明原因）")
    _add_db(reopen, required=True)
    reopen.add_argument("--quarter", required=True, metavar="Q", help="季度，如 2026Q3")
    reopen.add_argument("--reason", required=True, help="重新开账的原因")
    add_login(reopen)


def _add_sign_agreement_parser(sub) -> None:
    sign = sub.add_parser("sign-agreement", help="登记服务协议双方已签字（打印协议不等于签订）")
    _add_db(sign, required=True)
    sign.add_argument("--patient", metavar="ID_NUMBER", required=True, help="患者身份证号")
    sign.add_argument("--date", metavar="YYYY-MM-DD", required=True, help="双方签字日期（不晚于今天、不早于纳入日期）")
    sign.add_argument("--clinic", metavar="CODE", help="定点医院代码（附件6；默认上一份协议的或本单位的）")
    add_login(sign)


@needs_login("enrolment.edit", "sign-agreement")
def _sign_agreement(args, db, user) -> int:
    """Both parties signed the printed agreement: record it (a first one or a renewal)."""
    from .services import enrolment

    patient_id = _patient_of(db, args.patient)
    if patient_id is None:
        return 1
    row = enrolment.record_agreement_signed(db, user, patient_id, args.date, args.clinic)
    name = db["patients"].get(patient_id)["name"]
    verb = "续签" if row["renewed_from_id"] else "签订"
    print(f"已登记{verb}服务协议：{name}，{row['signed_date']} 双方签字，有效期至 {row['valid_until']}")
    return 0




def _ledger_db(args):
    from .storage.db import open_existing

    if not Path(args.db).exists():
        print(f"找不到数据库文件：{args.db}", file=sys.stderr)
        return None
    return open_existing(args.db)


def _export_ledger(args) -> int:
    require_existing_db(args.db)
    return _export_logged_in(args)


@needs_login("ledger.export", "export-ledger")
def _export_logged_in(args, db, user) -> int:
    from .services.exports import export_ledger

    print(export_ledger(db, user, args.quarter, Path(args.out), replace=args.replace))
    return 0


def _quarter_command(args, action) -> int:
    """Log in, then ``action(db, user)``; prints the quarter's new state."""
    require_existing_db(args.db)
    with logged_in(args, PERMISSION_OF[args.command], args.command) as (db, user):
        info = action(db, user)
    print(f"{info['label']}：{'已结账' if info['closed'] else '未结账（已重新开账）'}")
    return 0


PERMISSION_OF = {"close-quarter": "quarter.manage", "reopen-quarter": "quarter.reopen"}
LOGIN_COMMANDS.update(PERMISSION_OF)


def _close_quarter(args) -> int:
    from .services import quarters

    return _quarter_command(args, lambda db, user: quarters.close(db, user, args.quarter, args.package))


def _reopen_quarter(args) -> int:
    from .services import quarters

    return _quarter_command(args, lambda db, user: quarters.reopen(db, user, args.quarter, args.reason))


COMMANDS["sign-agreement"] = _sign_agreement
COMMANDS["export-ledger"] = _export_ledger
COMMANDS["close-quarter"] = _close_quarter
COMMANDS["reopen-quarter"] = _reopen_quarter


if __name__ == "__main__":
    sys.exit(main())
