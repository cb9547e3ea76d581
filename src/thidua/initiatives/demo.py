"""Demo initiatives: the councils and applications of the demo ward and of Cao Bằng.

Deterministic (fixed people by staff code, dates relative to the day of loading) and
idempotent (a second run finds the ward's council and stops). Runs after the org and
movements demos (``DEMO_STEPS``).

- Đảng bộ phường Bắc Kạn: its grassroots council of the year (chair ``bithu``, secretary
  ``vanphong``, members ``hoidong`` and ``kiemtra``); four initiatives recognised this
  year, one refused, two waiting to be accepted, one accepted (the three months running)
  and one accepted whose three months are over (overdue), and ``congchuc``'s draft.
- Tỉnh ủy Cao Bằng (plan D, "mỗi người ít nhất 01 sáng kiến/năm"): logins for the
  Văn phòng Tỉnh ủy, which reviews its own grassroots initiatives — ``canbo_cb`` (staff,
  Bế Văn Hùng), ``vanphong_cb`` (office, council secretary), ``lanhdao_cb`` (chair),
  ``hoidong_cb`` (member) — its council, and one initiative of two authors recognised this
  year, so the plan's target starts at 2 of its 15 people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from thidua.core.models import TransitionLog
from thidua.core.roles import Role
from thidua.initiatives.defaults import ensure_fields
from thidua.initiatives.domain import review_deadline, reviewing_unit_for
from thidua.initiatives.models import (
    INITIATIVE_WORKFLOW,
    ApplicationField,
    Author,
    Council,
    CouncilMember,
    Initiative,
    Level,
    MemberRole,
)
from thidua.initiatives.search_text import refresh_search_text
from thidua.org.demo import demo_password
from thidua.org.models import Person, RoleAssignment, Unit

WARD = "BK"
CAO_BANG_OFFICE = "TU-CB-VP"

#: Cao Bằng logins: (username, role, unit code, staff code of the person, council role).
CAO_BANG_LOGINS = [
    ("canbo_cb", Role.STAFF, CAO_BANG_OFFICE, "TUCB0005", None),
    ("vanphong_cb", Role.SECRETARIAT, CAO_BANG_OFFICE, "TUCB0002", MemberRole.SECRETARY),
    ("lanhdao_cb", Role.LEADER, CAO_BANG_OFFICE, "TUCB0001", MemberRole.CHAIR),
    ("hoidong_cb", Role.COUNCIL, CAO_BANG_OFFICE, "TUCB0003", MemberRole.MEMBER),
]
#: The ward's council: (username, council role).
WARD_COUNCIL = [("bithu", MemberRole.CHAIR), ("vanphong", MemberRole.SECRETARY),
                ("hoidong", MemberRole.MEMBER), ("kiemtra", MemberRole.MEMBER)]


@dataclass(frozen=True)
class Spec:
    title: str
    field: str
    unit: str
    #: (staff code or "@username" for the person of a login, share)
    authors: tuple[tuple[str, int], ...]
    state: str
    problem: str
    solution: str
    novelty: str
    benefits: str
    #: Days before today: accepted (None: not yet), decided (None: not decided).
    accepted_ago: int | None = None
    decided_ago: int | None = None
    writer: str = "vanphong"
    benefit_amount: int | None = None
    refusal: str = ""


WARD_SPECS = [
    Spec("Số hóa hồ sơ tiếp nhận và trả kết quả tại Bộ phận một cửa phường",
         "cai_cach_hanh_chinh", "BK-HCC", (("@congchuc", 60), ("BK-HCC#1", 40)), "recognised",
         "Hồ sơ giấy tại Bộ phận một cửa phải tra cứu thủ công, người dân phải đến nhiều lần "
         "để hỏi tiến độ giải quyết thủ tục hành chính.",
         "Quét và lưu toàn bộ hồ sơ tiếp nhận vào kho dữ liệu dùng chung, gắn mã hồ sơ với mã "
         "QR trên phiếu hẹn để người dân tự tra cứu tiến độ trên điện thoại.",
         "Lần đầu áp dụng mã QR trên phiếu hẹn tại phường; không cần phần mềm mới.",
         "Giảm 70% lượt người dân đến hỏi tiến độ; thời gian tra cứu hồ sơ cũ từ 15 phút còn "
         "1 phút.", accepted_ago=95, decided_ago=20, benefit_amount=45_000_000),
    Spec("Tổ dân phố điện tử: nhóm Zalo kết nối chính quyền với Nhân dân", "chuyen_doi_so",
         "BK-TDP03", (("BK-TDP03#1", 70), ("BK-TDP03#2", 30)), "recognised",
         "Thông tin của chính quyền đến người dân chậm, phản ánh của Nhân dân khó tổng hợp.",
         "Mỗi tổ dân phố lập một nhóm Zalo do tổ trưởng quản trị, đăng thông báo của phường và "
         "tổng hợp phản ánh của người dân gửi về Văn phòng hằng tuần.",
         "Có quy chế quản trị nhóm và mẫu tổng hợp phản ánh thống nhất toàn phường.",
         "100% hộ gia đình ở tổ dân phố số 3 nhận thông báo trong ngày; 35 phản ánh được giải "
         "quyết trong quý.", accepted_ago=80, decided_ago=20),
    Spec("Sổ theo dõi tiêm chủng điện tử cho trẻ em tại Trạm Y tế phường", "y_te", "BK-YT",
         (("BK-YT#1", 100),), "recognised",
         "Sổ tiêm chủng giấy dễ thất lạc, khó nhắc lịch tiêm cho phụ huynh.",
         "Nhập sổ tiêm chủng vào bảng tính dùng chung, lọc danh sách trẻ đến lịch tiêm để nhắn "
         "tin nhắc phụ huynh trước 3 ngày.",
         "Nhắc lịch tiêm chủ động bằng tin nhắn theo danh sách lọc tự động.",
         "Tỷ lệ trẻ tiêm đúng lịch tăng từ 86% lên 97%.", accepted_ago=70, decided_ago=20),
    Spec("Ngân hàng câu hỏi ôn tập trực tuyến cho học sinh tiểu học", "giao_duc", "BK-TH",
         (("BK-TH#1", 50), ("BK-TH#2", 50)), "recognised",
         "Học sinh thiếu tài liệu ôn tập có đáp án để tự luyện ở nhà.",
         "Giáo viên cùng xây dựng ngân hàng câu hỏi theo từng bài, học sinh làm bài trên điện "
         "thoại của phụ huynh và xem đáp án giải thích.",
         "Ngân hàng câu hỏi do giáo viên của trường tự biên soạn, gắn với chương trình mới.",
         "Điểm trung bình môn Toán khối 5 tăng 0,6 điểm.", accepted_ago=70, decided_ago=20),
    Spec("Bảng chấm công bằng giấy tại tổ dân phố", "hanh_chinh", "BK-TDP05",
         (("BK-TDP05#1", 100),), "refused",
         "Chấm công người hoạt động không chuyên trách còn thủ công.",
         "Dùng bảng chấm công in sẵn, tổ trưởng ký xác nhận hằng tháng.",
         "Mẫu bảng chấm công mới.", "Thuận tiện hơn cho tổ trưởng.",
         accepted_ago=70, decided_ago=20,
         refusal="Điểm trung bình dưới mức công nhận: giải pháp đã được áp dụng phổ biến, chưa "
                 "có tính mới."),
    Spec("Phần mềm nhắc hạn giải quyết hồ sơ một cửa", "cai_cach_hanh_chinh", "BK-VPUB",
         (("BK-VPUB#2", 100),), "submitted",
         "Một số hồ sơ thủ tục hành chính bị trễ hạn do không theo dõi kịp thời.",
         "Bảng tính nhắc hạn tự động gửi thư điện tử cho công chức phụ trách trước 2 ngày.",
         "Tự động nhắc hạn theo từng công chức phụ trách.",
         "Dự kiến giảm hồ sơ trễ hạn xuống dưới 1%."),
    Spec("Camera an ninh kết nối tổ dân phố", "quoc_phong_an_ninh", "BK-CA",
         (("BK-CA#1", 60), ("BK-CA#2", 40)), "submitted",
         "Một số điểm nóng về trật tự chưa được giám sát.",
         "Vận động Nhân dân lắp camera tại các ngõ, chia sẻ hình ảnh với Công an phường.",
         "Mô hình xã hội hóa, kết nối camera hộ gia đình với Công an phường.",
         "Giảm 40% vụ trộm cắp vặt tại tổ dân phố thí điểm."),
    Spec("Sổ tay điện tử văn bản Đảng ủy phường", "xay_dung_dang", "BK-VP",
         (("BK-VP#1", 100),), "accepted",
         "Đảng viên khó tìm văn bản của Đảng ủy phường khi cần.",
         "Tổng hợp văn bản theo chủ đề trên một trang dùng chung có mục lục.",
         "Mục lục theo chủ đề do Văn phòng cập nhật hằng tuần.",
         "Đảng viên tìm được văn bản trong 2 phút.", accepted_ago=30),
    Spec("Quy trình tiếp nhận phản ánh của Nhân dân qua tổng đài", "hanh_chinh", "BK-VPUB",
         (("BK-VPUB#3", 100),), "accepted",
         "Phản ánh qua điện thoại chưa được ghi nhận đầy đủ.",
         "Một số điện thoại tiếp nhận, ghi sổ và chuyển xử lý trong ngày.",
         "Ghi nhận và theo dõi phản ánh qua điện thoại theo mẫu thống nhất.",
         "100% phản ánh qua điện thoại được trả lời.", accepted_ago=100),
    Spec("Hướng dẫn người cao tuổi dùng dịch vụ công trực tuyến", "chuyen_doi_so", "BK-VPUB",
         (("@congchuc", 100),), "draft",
         "Người cao tuổi khó tự nộp hồ sơ trực tuyến.",
         "Tổ chức buổi hướng dẫn tại tổ dân phố, có tờ hướng dẫn in chữ lớn.",
         "Tờ hướng dẫn chữ lớn theo từng thủ tục thường gặp.",
         "Dự kiến 200 người cao tuổi tự nộp được hồ sơ.", writer="congchuc"),
]

CAO_BANG_SPECS = [
    Spec("Quy trình số hóa hồ sơ lưu trữ của Văn phòng Tỉnh ủy", "chuyen_doi_so", "TU-CB-VP",
         (("TUCB0001", 40), ("TUCB0004", 60)), "recognised",
         "Hồ sơ lưu trữ giấy nhiều, tra cứu mất thời gian.",
         "Số hóa hồ sơ theo thứ tự ưu tiên sử dụng, đặt tên tệp theo quy tắc thống nhất.",
         "Quy tắc đặt tên tệp và thứ tự ưu tiên số hóa riêng cho cơ quan Đảng.",
         "Thời gian tra cứu hồ sơ giảm từ 1 giờ còn 5 phút.", accepted_ago=90, decided_ago=30,
         writer="vanphong_cb"),
]


def is_loaded() -> bool:
    return Council.objects.filter(unit__code=WARD, level=Level.GRASSROOTS).exists()


def _moment(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _ensure_cao_bang_logins(units: dict[str, Unit]) -> dict[str, object]:
    """The Cao Bằng accounts (created once, linked to plan D's people)."""
    User = get_user_model()
    users = {}
    people = Person.objects.in_bulk([code for *_rest, code, _role in CAO_BANG_LOGINS],
                                    field_name="staff_code")
    for username, role, unit_code, staff_code, _council_role in CAO_BANG_LOGINS:
        person = people.get(staff_code)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, first_name=person.full_name if person else "")
            user.set_password(demo_password())
            user.save()
            RoleAssignment.objects.create(user=user, role=role, unit=units[unit_code])
        # Only the writer needs his person (an application's writer is one of its authors).
        if role == Role.STAFF and person is not None and person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
        users[username] = user
    return users


def _person(key: str, users: dict, by_unit: dict[str, list[Person]]) -> Person:
    if key.startswith("@"):
        return Person.objects.get(user=users[key[1:]])
    if "#" in key:
        unit_code, index = key.split("#")
        return by_unit[unit_code][int(index)]
    return Person.objects.get(staff_code=key)


def _council(unit: Unit, year: int, name: str, members: list[tuple[object, str]]) -> Council:
    council = Council.objects.create(unit=unit, level=Level.GRASSROOTS, year=year, name=name,
                                     decision_number=f"15/QĐ-{unit.code}")
    CouncilMember.objects.bulk_create([CouncilMember(council=council, user=user, role=role)
                                       for user, role in members])
    return council


def _create(spec: Spec, today: date, units, users, by_unit, fields, council_no) -> Initiative:
    unit = units[spec.unit]
    accepted = today - timedelta(days=spec.accepted_ago) if spec.accepted_ago else None
    # Decided this year (the indicators count the year), never after today.
    decided = (max(today - timedelta(days=spec.decided_ago), date(today.year, 1, 1))
               if spec.decided_ago else None)
    submitted = (accepted or today) - timedelta(days=3)
    initiative = Initiative.objects.create(
        title=spec.title, unit=unit, reviewing_unit=reviewing_unit_for(unit, Level.GRASSROOTS),
        field=fields[spec.field], level=Level.GRASSROOTS, year=(decided or today).year,
        first_applied_on=submitted - timedelta(days=120), problem=spec.problem,
        solution=spec.solution, novelty=spec.novelty, benefits=spec.benefits,
        benefit_amount=Decimal(spec.benefit_amount) if spec.benefit_amount else None,
        state=spec.state, created_by=users[spec.writer],
        submitted_at=_moment(submitted) if spec.state != "draft" else None,
        accepted_on=accepted, review_due_on=review_deadline(accepted) if accepted else None,
        decided_on=decided if spec.state in ("recognised", "refused") else None,
        certificate_number=(f"{next(council_no):02d}/GCN-HĐSK" if spec.state == "recognised"
                            else ""),
        certificate_date=decided if spec.state == "recognised" else None,
        refusal_reasons=spec.refusal)
    Author.objects.bulk_create([
        Author(initiative=initiative, person=_person(key, users, by_unit), share=Decimal(share),
               order=order) for order, (key, share) in enumerate(spec.authors, 1)])
    _history(initiative, spec, submitted, accepted, decided, users)
    return initiative


PATHS = {"submitted": ["submit"], "accepted": ["submit", "accept"],
         "recognised": ["submit", "accept", "schedule", "recognise"],
         "refused": ["submit", "accept", "schedule", "refuse"]}


def _history(initiative, spec, submitted, accepted, decided, users):
    """The workflow log as it happened (backdated)."""
    content_type = ContentType.objects.get_for_model(Initiative)
    office = users["vanphong_cb"] if spec.unit.startswith("TU-CB") else users["vanphong"]
    days = {"submit": submitted, "accept": accepted,
            "schedule": decided - timedelta(days=7) if decided else None,
            "recognise": decided, "refuse": decided}
    for name in PATHS.get(spec.state, []):
        transition = INITIATIVE_WORKFLOW.transitions[name]
        log = TransitionLog.objects.create(
            content_type=content_type, object_id=initiative.pk, transition=name,
            from_state=transition.sources[0], to_state=transition.target,
            actor=users[spec.writer] if name == "submit" else office,
            reason=spec.refusal if name == "refuse" else "")
        TransitionLog.objects.filter(pk=log.pk).update(at=_moment(days[name], 10))


def _numbers():
    number = 0
    while True:
        number += 1
        yield number


@transaction.atomic
def load(stdout=None) -> bool:
    """Create the demo councils and initiatives; return False when they are already there."""
    if is_loaded():
        return False
    ensure_fields()
    today = timezone.localdate()
    codes = {s.unit for s in WARD_SPECS + CAO_BANG_SPECS} | {WARD, CAO_BANG_OFFICE}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    if WARD not in units or CAO_BANG_OFFICE not in units:
        return False  # the org and movements demos come first
    fields = {f.code: f for f in ApplicationField.objects.all()}
    User = get_user_model()
    users = dict(User.objects.in_bulk(["bithu", "vanphong", "hoidong", "kiemtra", "congchuc"],
                                      field_name="username"))
    users.update(_ensure_cao_bang_logins(units))
    by_unit: dict[str, list[Person]] = {}
    for person in (Person.objects.filter(unit__code__in=codes, status="dang_cong_tac",
                                         user__isnull=True)
                   .select_related("unit").order_by("unit__code", "staff_code")):
        by_unit.setdefault(person.unit.code, []).append(person)
    _council(units[WARD], today.year, f"Hội đồng sáng kiến phường Bắc Kạn năm {today.year}",
             [(users[name], role) for name, role in WARD_COUNCIL])
    office = units[CAO_BANG_OFFICE]
    _council(office, today.year, f"Hội đồng sáng kiến Văn phòng Tỉnh ủy Cao Bằng năm {today.year}",
             [(users[name], role) for name, _r, _u, _c, role in CAO_BANG_LOGINS if role])
    ward_numbers, cao_bang_numbers = _numbers(), _numbers()
    created = [_create(spec, today, units, users, by_unit, fields, ward_numbers)
               for spec in WARD_SPECS]
    created += [_create(spec, today, units, users, by_unit, fields, cao_bang_numbers)
                for spec in CAO_BANG_SPECS]
    refresh_search_text([i.pk for i in created])
    if stdout is not None:
        stdout.write(f"Đã tạo 2 hội đồng sáng kiến và {len(created)} đơn sáng kiến mẫu.")
    return True
