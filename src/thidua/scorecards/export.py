"""The office's board and the self/appraised comparison as .xlsx (``core.xlsx``).

The rows come from the functions that build the page (``queries.iter_rows``,
``queries.compare_values``) with the same filters: what the screen shows, every
page of it. Scores are numbers, dates are dates.
"""

from __future__ import annotations

from thidua.core import xlsx
from thidua.scorecards.queries import Board, BoardRow

YES = "✓"


def board_context(board: Board, summary: dict | None = None) -> list[str]:
    lines = [f"{board.framework.name} (phiên bản {board.framework.version}) — năm {board.year}",
             f"Đơn vị: {board.unit.name} ({board.unit.code})"]
    if board.due:
        lines.append(f"Hạn đăng ký: {board.due:%d/%m/%Y}")
    if summary is not None:
        word = "Đã có quyết định xếp loại" if board.is_grading else "Được công nhận"
        lines.append(f"{word}: {summary['recognised']}/{summary['total']} "
                     f"({summary['share']}); chậm hạn: {summary['behind']}")
    return lines


def board_columns(board: Board) -> list[xlsx.Column]:
    columns = [
        xlsx.Column("STT", 6, xlsx.INTEGER), xlsx.Column("Mã đơn vị", 16),
        xlsx.Column("Đơn vị", 40), xlsx.Column("Trạng thái", 20),
        xlsx.Column("Đăng ký lúc", 17, xlsx.DATETIME), xlsx.Column("Đúng hạn / muộn", 12),
    ]
    columns += [xlsx.Column(f"Tự đánh giá {label}", 11)
                for _short, label in board.period_headers]
    columns += [xlsx.Column("Tự chấm", 10, xlsx.DECIMAL),
                xlsx.Column("Thẩm định", 10, xlsx.DECIMAL)]
    if board.is_grading:
        columns.append(xlsx.Column("Xếp loại", 28))
    columns += [xlsx.Column("Số quyết định", 16), xlsx.Column("Ngày quyết định", 13, xlsx.DATE),
                xlsx.Column("Chậm hạn", 34)]
    return columns


def board_cells(board: Board, number: int, row: BoardRow) -> list:
    timing = ("Muộn" if row.is_late else "Đúng hạn") if row.registered else ""
    cells = [number, row.code, row.name, row.state_label, row.registered_at, timing]
    cells += [YES if done else "" for done in row.evaluated]
    cells += [row.self_total, row.appraised_total]
    if board.is_grading:
        cells.append(row.band_label)
    cells += [row.decision_number, row.decision_date, row.behind]
    return cells


def board_workbook(board: Board, rows, *, filters_text: str, summary: dict | None = None):
    """``rows``: :class:`BoardRow` items (``queries.iter_rows``), consumed once."""
    return xlsx.list_workbook(
        f"Bảng theo dõi “{board.framework.name}” năm {board.year}", board_columns(board),
        (board_cells(board, number, row) for number, row in enumerate(rows, start=1)),
        filters_text=filters_text, context=board_context(board, summary),
        sheet_title=f"Năm {board.year}")


COMPARE_COLUMNS = [
    xlsx.Column("STT", 6, xlsx.INTEGER), xlsx.Column("Mã đơn vị", 16),
    xlsx.Column("Đơn vị", 40), xlsx.Column("Trạng thái", 20),
    xlsx.Column("Tự chấm", 10, xlsx.DECIMAL), xlsx.Column("Thẩm định", 10, xlsx.DECIMAL),
    xlsx.Column("Chênh lệch", 10, xlsx.DECIMAL),
    xlsx.Column("Tiêu chí được điều chỉnh", 50, wrap=True),
]


def compare_workbook(board: Board, rows, *, filters_text: str):
    """``rows``: dicts of ``queries.compare_rows`` (values plus ``state_label`` and
    ``adjusted_text``)."""
    return xlsx.list_workbook(
        f"So sánh tự chấm – thẩm định “{board.framework.name}” năm {board.year}",
        COMPARE_COLUMNS,
        ([number, r["code"], r["name"], r["state_label"], r["card__self_total"],
          r["card__appraised_total"], r["difference"], r["adjusted_text"]]
         for number, r in enumerate(rows, start=1)),
        filters_text=filters_text, context=board_context(board), sheet_title="So sánh")
