#!/usr/bin/env python
"""Budgets of the policy checker and the certificate PDF, measured in one run.

- ``policy.api.check_post`` on a 3,000-character post with 200 rules: median ≤ 1 ms, and its
  ratio to a baseline measured in the same run (tokenising the same text with one regex, the
  least any checker must do) so that machine noise shows in both numbers.
- The certificate PDF in a warm process (``certification.pdf.render_certificate_pdf``) against
  WeasyPrint alone on the same HTML: ratio ≤ 1.3.

Prints medians, ratios and PASS/FAIL; exits 0 whatever the verdicts (benchmarks are noisy).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import configure  # noqa: E402

CHECK_BUDGET_MS = 1.0
PDF_BUDGET = 1.3


def median_ms(fn, runs: int) -> float:
    fn()  # warm
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def build_rules(count: int) -> None:
    from django.utils import timezone

    from policy.models import BlockedPhraseRule, DisclosureRule, EmbargoRule, LengthRule, LinkDomainRule

    per_kind = count // 5
    BlockedPhraseRule.objects.bulk_create(
        BlockedPhraseRule(
            name=f"Confidential {i}",
            category="confidential",
            phrases=f"Projet Secret {i}\nClient Numéro {i}\nCode name {i}",
            message="Confidentiel",
            clause="confidentialite",
        )
        for i in range(per_kind * 2)
    )
    EmbargoRule.objects.bulk_create(
        EmbargoRule(
            name=f"Embargo {i}",
            phrases=f"résultats T{i}",
            not_before=timezone.now() + timedelta(days=30),
            message="Embargo",
        )
        for i in range(per_kind)
    )
    DisclosureRule.objects.bulk_create(
        DisclosureRule(
            name=f"Disclosure {i}", required_text="#AcmeEmployee", trigger_phrases=f"Produit {i}", message="m"
        )
        for i in range(per_kind)
    )
    LinkDomainRule.objects.bulk_create(
        LinkDomainRule(name=f"Links {i}", domains="acme.com\nlinkedin.com", message="m") for i in range(per_kind - 4)
    )
    LengthRule.objects.bulk_create(
        LengthRule(
            name=n, network=n, max_length=280 if n == "x" else 3000, link_length=23 if n == "x" else None, message="m"
        )
        for n in ("x", "linkedin", "facebook", "instagram")
    )
    from policy import rules

    rules.bump_version()


def bench_checker(runs: int) -> None:
    from policy import api
    from policy.models import RULE_MODELS

    build_rules(200)
    total = sum(model.objects.count() for model in RULE_MODELS)
    sentence = "Fière de l'équipe Acme : le projet secret 7 avance, lisez https://acme.com/blog 🎉 "
    text = (sentence * 60)[:3000]
    findings = api.check_post(text, "https://acme.com/x", "x")
    check = median_ms(lambda: api.check_post(text, "https://acme.com/x", "x"), runs)
    word = re.compile(r"\w+")
    baseline = median_ms(lambda: word.findall(text.lower()), runs)
    verdict = "PASS" if check <= CHECK_BUDGET_MS else "FAIL"
    print(f"post checker: {total} rules, {len(text)} characters, {len(findings)} findings")
    print(f"  check_post median          {check:8.3f} ms   budget ≤ {CHECK_BUDGET_MS} ms   {verdict}")
    print(f"  baseline (tokenise only)   {baseline:8.3f} ms   ratio {check / baseline:5.1f} ×")


def bench_pdf(runs: int) -> None:
    from weasyprint import HTML

    from certification import pdf
    from certification.models import Certificate, CertificationProgram
    from lms.people.models import User

    user = User.objects.create_user("bench@example.com", "pw", display_name="Camille Martin")
    program = CertificationProgram.objects.create(
        name="Ambassadeur certifié", slug="bench", description="d", validity_months=12
    )
    from django.utils import timezone

    certificate = Certificate.objects.create(
        user=user,
        program=program,
        holder_name=user.get_display_name(),
        issued_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=365),
        status_list_index=0,
    )
    html = pdf.render_html(certificate)
    ours = median_ms(lambda: pdf.render_certificate_pdf(certificate), runs)
    alone = median_ms(
        lambda: HTML(string=html, base_url=pdf.ASSET_SCHEME + "/", url_fetcher=pdf.StaticOnlyFetcher()).write_pdf(),
        runs,
    )
    ratio = ours / alone
    verdict = "PASS" if ratio <= PDF_BUDGET else "FAIL"
    print("certificate PDF, warm process:")
    print(f"  render_certificate_pdf     {ours:8.1f} ms")
    print(f"  WeasyPrint alone, same HTML {alone:7.1f} ms   ratio {ratio:4.2f} × (budget ≤ {PDF_BUDGET})   {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="samples per checker measurement")
    parser.add_argument("--pdf-runs", type=int, default=15, help="samples per PDF measurement")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="porte-voix-bench-"))
    try:
        configure(workdir)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        bench_checker(args.runs)
        bench_pdf(args.pdf_runs)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
