"""The bilingual messages of the roll import (Modern Standard Arabic first, English second).

Placeholders in braces are filled with `Text.format`; a value quoted in a
message has gone through `values.show` first.
"""

from congress.core.rules import Text

M_TOO_LARGE = Text(
    "حجم الملف ({size}) يتجاوز الحد الأقصى المسموح به ({limit}).",
    "The file ({size}) is larger than the {limit} allowed.",
)
M_ENCODING = Text(
    "الملف ليس بترميز UTF-8 (بايت غير صالح في السطر {line}). احفظه بصيغة «CSV UTF-8».",
    'The file is not UTF-8 (invalid byte on line {line}). Save it as "CSV UTF-8".',
)
M_UTF16 = Text(
    "الملف بترميز UTF-16 وليس UTF-8. احفظه بصيغة «CSV UTF-8».",
    'The file is UTF-16, not UTF-8. Save it as "CSV UTF-8".',
)
M_EMPTY_FILE = Text("الملف فارغ.", "The file is empty.")
M_BAD_CSV = Text(
    "تعذّرت قراءة الملف بصيغة CSV ابتداءً من هذا السطر (ربما علامة اقتباس غير مغلقة).",
    "The file is not valid CSV from this line on (an unclosed quote, perhaps).",
)
M_FIELD_LIMIT = Text(
    "حقل يبدأ في هذا السطر طويل جدًا (ربما علامة اقتباس غير مغلقة).",
    "A field starting on this line is far too long (an unclosed quote, perhaps).",
)
M_UNKNOWN_HEADER = Text("عمود غير معروف: «{name}».", 'Unknown column "{name}".')
M_SUGGEST = Text(" هل تقصد «{name}»؟", ' Did you mean "{name}"?')
M_EMPTY_HEADER = Text("العمود رقم {index} بلا عنوان.", "Column {index} has no name.")
M_DUPLICATE_HEADER = Text(
    "العمود «{name}» مكرر في سطر العناوين (ورد أولًا باسم «{first}»).",
    'Column "{name}" appears twice in the header (first as "{first}").',
)
M_MISSING_HEADER = Text(
    "العمود الإلزامي «{name}» غير موجود في سطر العناوين.",
    'The required column "{name}" is not in the header.',
)
M_MISSING_FIELDS = Text(
    "عدد الحقول في هذا السطر {count}، وفي سطر العناوين {expected}؛ ينقص العمود «{name}».",
    'This line has {count} fields and the header {expected}; column "{name}" is missing.',
)
M_EXTRA_FIELDS = Text(
    "عدد الحقول في هذا السطر {count}، وهو أكثر من عدد أعمدة سطر العناوين ({expected}).",
    "This line has {count} fields but the header only {expected}.",
)
M_CONTROL = Text(
    "القيمة تحتوي على محرف تحكّم غير مسموح به ({char}).",
    "The value contains a forbidden control character ({char}).",
)
M_BIDI = Text(
    "القيمة تحتوي على محرف غير مسموح به يفرض اتجاه النص ({char}).",
    "The value contains a forbidden text-direction override character ({char}).",
)
M_FORMULA = Text(
    "القيمة «{value}» تبدأ بالرمز «{char}» وقد تُنفَّذ صيغةً في برامج الجداول؛ احذف هذا الرمز.",
    'The value "{value}" starts with "{char}" and could run as a spreadsheet formula; '
    "remove that character.",
)
M_TOO_LONG = Text(
    "القيمة «{value}» أطول من المسموح به (عدد المحارف {length}، والحد الأقصى {limit}).",
    'The value "{value}" is too long ({length} characters, at most {limit}).',
)
M_NUMBER_MISSING = Text("رقم العضوية مفقود.", "The member number is missing.")
M_BAD_NUMBER = Text(
    "رقم العضوية «{value}» غير صالح: المسموح به الحروف اللاتينية والأرقام و- و/ و_ فقط.",
    'The member number "{value}" is not valid: only letters, digits, -, / and _ are allowed.',
)
M_DUPLICATE_NUMBER = Text(
    "رقم العضوية «{value}» مكرر؛ ورد أولًا في السطر {first}.",
    'The member number "{value}" is repeated; it first appears on line {first}.',
)
M_EMPTY_NAME = Text("الاسم بالعربية مفقود.", "The Arabic name is missing.")
M_NOT_ARABIC = Text(
    "الاسم «{value}» لا يحتوي على أي حرف عربي.",
    'The name "{value}" contains no Arabic letter.',
)
M_BAD_EMAIL = Text(
    "عنوان البريد الإلكتروني «{value}» غير صالح.",
    'The email address "{value}" is not valid.',
)
M_BAD_PHONE = Text(
    "رقم الهاتف «{value}» غير صالح: المسموح به الأرقام والمسافات و+ و- والأقواس، "
    "ومن 5 إلى 20 رقمًا.",
    'The phone number "{value}" is not valid: use digits, spaces, +, - and parentheses, '
    "with 5 to 20 digits.",
)
M_BRANCH_MISSING = Text("الفرع مفقود.", "The branch is missing.")
M_UNKNOWN_BRANCH = Text("الفرع «{value}» غير معروف.", 'Unknown branch "{value}".')
M_DATE_FORMAT = Text(
    "التاريخ «{value}» غير صالح: استخدم الصيغة YYYY-MM-DD (مثل 1980-04-25).",
    'The date "{value}" is not valid: use YYYY-MM-DD (e.g. 1980-04-25).',
)
M_DATE_IMPOSSIBLE = Text(
    "التاريخ «{value}» غير موجود في التقويم.",
    'The date "{value}" does not exist.',
)
M_DATE_TOO_OLD = Text(
    "التاريخ «{value}» يسبق عام 1900.",
    'The date "{value}" is before 1900.',
)
M_FUTURE_DATE = Text(
    "التاريخ «{value}» في المستقبل.",
    'The date "{value}" is in the future.',
)
M_JOINED_BEFORE_BIRTH = Text(
    "تاريخ الانتساب ({joined}) يسبق تاريخ الميلاد ({birth}).",
    "The joining date ({joined}) is before the birth date ({birth}).",
)
M_BAD_GENDER = Text(
    "قيمة الجنس «{value}» غير معروفة: استخدم ذكر أو أنثى (m أو f).",
    'Unknown gender "{value}": use m or f (ذكر or أنثى).',
)
M_STATUS_MISSING = Text("الحالة مفقودة.", "The status is missing.")
M_BAD_STATUS = Text(
    "الحالة «{value}» غير معروفة: استخدم فعال أو معلق أو مستقيل.",
    'Unknown status "{value}": use active, suspended or resigned.',
)
M_BAD_DUES = Text(
    "قيمة دفع الاشتراك «{value}» غير معروفة: استخدم نعم أو لا "
    "(أو yes/no أو true/false أو y/n أو 1/0).",
    'Unknown dues-paid value "{value}": use yes or no (or true/false, y/n, 1/0, نعم/لا).',
)
