import type { TemplatePurpose } from "../../domain/templates.ts";

/** The templates a fresh install starts with; admins edit or deactivate them on /admin/responses. */
export const DEFAULT_TEMPLATES: ReadonlyArray<{ name: string; purpose: TemplatePurpose; body: string }> = [
  {
    name: "Acknowledgement",
    purpose: "acknowledgement",
    body: `Hello {{reporter.name}},

Thank you for your report {{report.reference}}, "{{report.title}}". We have received it, and the {{org.name}} security team is now handling it.

What happens next:
- A Response Manager will assess the report and tell you whether we can confirm it by {{deadline.triage}}.
- We will keep you informed at every stage, and you can reply here at any time.
- We aim to fix confirmed issues by {{deadline.resolution}} and will agree the disclosure date and your credit with you.

Please keep the details confidential until we have released a fix and agreed on disclosure.

{{org.name}} security team`,
  },
  {
    name: "Need more information",
    purpose: "needs_info",
    body: `Hello {{reporter.name}},

Thank you for report {{report.reference}}. To assess it we need a little more information:

- the exact steps to reproduce, including the URLs, requests or commands you used;
- the version or environment you tested;
- what you expected to happen and what happened instead.

Please reply on your tracking page. We pause our response deadlines while we wait for your answer.

{{sender.name}}, {{org.name}} security team`,
  },
  {
    name: "Rejection: invalid",
    purpose: "rejection:invalid",
    body: `Hello {{reporter.name}},

Thank you for report {{report.reference}}. We have assessed it and concluded that it does not describe a security vulnerability: the behaviour you reported is expected and does not let an attacker do anything they could not do otherwise.

If you believe we have misunderstood the issue, please reply with more detail and we will look at it again.

{{org.name}} security team`,
  },
  {
    name: "Rejection: duplicate",
    purpose: "rejection:duplicate",
    body: `Hello {{reporter.name}},

Thank you for report {{report.reference}}. The same issue had already been reported to us, so we are handling it under the earlier report. We have recorded that you found it too.

{{org.name}} security team`,
  },
  {
    name: "Rejection: out of scope",
    purpose: "rejection:out_of_scope",
    body: `Hello {{reporter.name}},

Thank you for report {{report.reference}}. The affected system is outside the scope of our disclosure policy, so we cannot handle it here. The scope is listed at {{org.policy_url}}.

{{org.name}} security team`,
  },
  {
    name: "Rejection: not reproducible",
    purpose: "rejection:not_reproducible",
    body: `Hello {{reporter.name}},

Thank you for report {{report.reference}}. We followed the steps you gave but could not reproduce the issue.

If you can still reproduce it, please reply with the exact steps, the version or environment you tested, and any proof of concept, and we will look at it again.

{{org.name}} security team`,
  },
  {
    name: "Rejection: informative",
    purpose: "rejection:informative",
    body: `Hello {{reporter.name}},

Thank you for report {{report.reference}}. The information is useful to us, but it does not describe a vulnerability that needs a fix, so we are closing it as informative.

{{org.name}} security team`,
  },
  {
    name: "Rejection: won't fix",
    purpose: "rejection:wont_fix",
    body: `Hello {{reporter.name}},

Thank you for report {{report.reference}}. We have assessed it and decided not to change this behaviour: the risk is accepted or already mitigated elsewhere.

Thank you for taking the time to report it.

{{org.name}} security team`,
  },
  {
    name: "Final feedback",
    purpose: "final_feedback",
    body: `Hello {{reporter.name}},

The issue you reported in {{report.reference}}, "{{report.title}}", is now resolved, and we are closing the report.

Thank you for reporting it privately and for working with us until it was fixed. You are credited as you asked when you submitted the report.

{{org.name}} security team`,
  },
];
