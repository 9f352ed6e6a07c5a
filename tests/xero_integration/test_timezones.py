from xero_integration.timezones import iana_name


def test_xero_s_time_zone_codes_read_as_names():
    assert iana_name("GMTSTANDARDTIME") == "Europe/London"
    assert iana_name("NEWZEALANDSTANDARDTIME") == "Pacific/Auckland"
    assert iana_name("AUSEASTERNSTANDARDTIME") == "Australia/Sydney"
    assert iana_name("NOSUCHTIME") == "" and iana_name("") == ""
