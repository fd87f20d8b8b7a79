"""Arabic names must be found whatever hamza, taa marbuta or diacritics were typed."""

from congress.core.arabic import matches, normalize, sort_key


def test_alef_forms_are_one_letter():
    assert normalize("إبراهيم") == normalize("ابراهيم") == normalize("أبراهيم")
    assert normalize("آمنة") == normalize("امنه")


def test_taa_marbuta_alef_maqsura_and_diacritics_are_folded():
    assert normalize("فاطِمَة") == normalize("فاطمه")
    assert normalize("مصطفى") == normalize("مصطفي")
    assert normalize("محـــمد") == normalize("محمد")  # tatweel


def test_invisible_marks_and_case_do_not_matter():
    assert matches("AHMAD", "Ahmad al-Halabi")
    assert matches("احمد", "\u200fأحمد الحلبي")


def test_sort_follows_the_arabic_alphabet_not_code_points():
    names = ["يوسف", "باسل", "أحمد", "ثائر", "تامر"]
    assert sorted(names, key=sort_key) == ["أحمد", "باسل", "تامر", "ثائر", "يوسف"]


def test_the_definite_article_can_be_ignored_when_the_bylaws_say_so():
    names = ["الخطيب", "حداد", "الأيوبي"]
    assert sorted(names, key=lambda n: sort_key(n, ignore_article=True)) == [
        "الأيوبي",
        "حداد",
        "الخطيب",
    ]
    assert sorted(names, key=sort_key)[0] == "الأيوبي"
