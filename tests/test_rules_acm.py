"""ACM and AWS Private CA rules (rules/acm.py, rules/acmpca.py): compliant and violating cases."""

from __future__ import annotations

from test_policies_support import check, check_stack, urn

from platform_policies.rules import acm, acmpca

CERT = {"domainName": "api.shop.test", "subjectAlternativeNames": ["*.shop.test"], "validationMethod": "DNS",
        "keyAlgorithm": "RSA_2048"}


def test_certificate_constraints():
    v = acm.validate_certificate_constraints
    assert check(v, acm.CERTIFICATE, CERT) == []
    for bad in ({"domainName": "api..shop.test"}, {"domainName": "api.*.shop.test"}, {"domainName": "localhost"},
                {"domainName": "a" * 64 + ".shop.test"}, {"validationMethod": None}, {"validationMethod": "HTTP"},
                {"keyAlgorithm": "RSA_1024"}, {"subjectAlternativeNames": [f"n{i}.shop.test" for i in range(10)]},
                {"certificateAuthorityArn": "arn:aws:acm-pca:us-east-1:1:certificate-authority/x"},
                {"validationOptions": [{"domainName": "other.test", "validationDomain": "other.test"}]}):
        assert check(v, acm.CERTIFICATE, {**CERT, **bad}), bad
    private = {"domainName": "svc.internal", "certificateAuthorityArn": "arn:ca", "keyAlgorithm": "EC_secp521r1"}
    assert check(v, acm.CERTIFICATE, private) == []


def test_certificate_hygiene():
    v = acm.validate_certificate_hygiene
    assert check(v, acm.CERTIFICATE, CERT) == []
    assert check(v, acm.CERTIFICATE, {**CERT, "validationMethod": "EMAIL"})
    assert check(v, acm.CERTIFICATE, {**CERT, "options": {"certificateTransparencyLoggingPreference": "DISABLED"}})


CA = {"type": "ROOT", "permanentDeletionTimeInDays": 7, "usageMode": "SHORT_LIVED_CERTIFICATE",
      "certificateAuthorityConfiguration": {"keyAlgorithm": "EC_prime256v1", "signingAlgorithm": "SHA256WITHECDSA",
                                            "subject": {"commonName": "microservices-prod service connect"}}}


def _pca(ca: dict, cert_signing: str = "SHA256WITHECDSA", validity: dict | None = None) -> list[dict]:
    ca_urn = urn(acmpca.CA, "ca")
    return [{"type": acmpca.CA, "name": "ca", "urn": ca_urn, "props": ca},
            {"type": acmpca.CERTIFICATE, "name": "root", "deps": {"certificateAuthorityArn": [ca_urn]},
             "props": {"certificateAuthorityArn": "arn:ca", "signingAlgorithm": cert_signing,
                       "validity": validity or {"type": "YEARS", "value": "10"},
                       "templateArn": "arn:aws:acm-pca:::template/RootCACertificate/V1"}},
            {"type": acmpca.CA_CERTIFICATE, "name": "act", "props": {"certificateAuthorityArn": "arn:ca"}}]


def test_private_ca_constraints():
    v = acmpca.validate_private_ca_constraints
    assert check_stack(v, _pca(CA)) == []
    cfg = CA["certificateAuthorityConfiguration"]
    for bad in ({"permanentDeletionTimeInDays": 3}, {"type": "INTERMEDIATE"}, {"usageMode": "TEMPORARY"},
                {"certificateAuthorityConfiguration": {**cfg, "signingAlgorithm": "SHA256WITHRSA"}},
                {"certificateAuthorityConfiguration": {**cfg, "keyAlgorithm": "RSA_1024"}},
                {"certificateAuthorityConfiguration": {**cfg, "subject": {"commonName": "x" * 65}}}):
        assert check_stack(v, _pca({**CA, **bad})), bad
    assert check_stack(v, _pca(CA, cert_signing="SHA256WITHRSA"))  # does not fit the CA's EC key
    assert check_stack(v, _pca(CA, validity={"type": "YEARS", "value": "0"}))
    assert check_stack(v, _pca(CA, validity={"type": "WEEKS", "value": "2"}))
