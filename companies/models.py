from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _


class Town(models.Model):
    """A town of the region. The four KAG towns come first wherever towns are listed."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    is_kag_member = models.BooleanField(_("KAG member town"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("town")
        verbose_name_plural = _("towns")
        ordering = ["-is_kag_member", "name"]

    def __str__(self) -> str:
        return self.name


class Industry(models.Model):
    """A section (letter) or division (two digits) of the German classification WZ 2008."""

    code = models.CharField(_("WZ 2008 code"), max_length=2, unique=True)
    name_de = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    section = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="divisions",
        help_text=_("Empty for a section, the section for a division."),
    )
    # The region's typical industries come first in the choice lists.
    is_regional_focus = models.BooleanField(_("typical for the region"), default=False)

    class Meta:
        verbose_name = _("industry")
        verbose_name_plural = _("industries")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_for(get_language() or 'de')}"

    def name_for(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_de


class Certification(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        # In the order of reference_data.CERTIFICATIONS, the most common (ISO 9001) first; by
        # name, "ISO 50001" would come before "ISO 9001".
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A word for what firms offer or need. `key` (companies.tags.normalize_tag) makes
    "Spannzange", "spannzangen" and "Spann-Zange" one tag."""

    name = models.CharField(_("name"), max_length=60)
    key = models.CharField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        IN_REVIEW = "in_review", _("in review")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("rejected")
        HIDDEN = "hidden", _("hidden by staff")
        # Deleted by its owner: the row stays without name or details, so counts stay right.
        DELETED = "deleted", _("deleted")

    class SizeBand(models.TextChoices):
        MICRO = "1-9", _("1–9 employees")
        SMALL = "10-49", _("10–49 employees")
        MEDIUM = "50-249", _("50–249 employees")
        LARGE = "250+", _("250 or more employees")

    name = models.CharField(_("company name"), max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    town = models.ForeignKey(Town, on_delete=models.PROTECT, verbose_name=_("town"))
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    website = models.URLField(_("website"), blank=True)
    public_email = models.EmailField(_("public contact email"), blank=True)
    public_phone = models.CharField(_("public phone"), max_length=40, blank=True)
    short_description = models.CharField(
        _("in one sentence"), max_length=300, help_text=_("What does your company do?")
    )
    description = models.TextField(
        _("description"), blank=True, max_length=10000, help_text=_("Markdown is allowed.")
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founded in"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1500), MaxValueValidator(2100)],
    )
    size_band = models.CharField(_("size"), max_length=10, choices=SizeBand.choices, blank=True)
    industry = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("industry"),
        related_name="companies",
    )
    offers = models.ManyToManyField(
        Tag, blank=True, related_name="offered_by", verbose_name=_("we offer")
    )
    needs = models.ManyToManyField(
        Tag, blank=True, related_name="needed_by", verbose_name=_("we are looking for")
    )
    certifications = models.ManyToManyField(
        Certification, blank=True, verbose_name=_("certifications")
    )
    serves_regional = models.BooleanField(_("regional market"), default=True)
    serves_national = models.BooleanField(_("national market"), default=False)
    serves_international = models.BooleanField(_("international market"), default=False)
    apprenticeship_places = models.PositiveSmallIntegerField(
        _("apprenticeship places per year"), default=0
    )
    internship_places = models.PositiveSmallIntegerField(
        _("internship and trainee places per year"), default=0
    )
    logo = models.ImageField(_("logo"), upload_to="logos/%Y/", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    rejection_reason = models.TextField(_("reason"), blank=True)
    # Consent (DSGVO) to appear in the public directory: when and by whom it was given.
    public_consent_at = models.DateTimeField(null=True, blank=True)
    public_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Name, descriptions and tags in one text, kept current by companies.services; PostgreSQL
    # indexes it for full-text search (a generated tsvector column, see the migrations).
    search_document = models.TextField(blank=True, editable=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(public_consent_at__isnull=False),
                name="company_published_only_with_consent",
            ),
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(founded_year__gte=1500, founded_year__lte=2100),
                name="company_founded_year_plausible",
            ),
        ]
        indexes = [
            # The public directory: published companies by town, by name.
            models.Index(fields=["status", "town", "name"], name="company_directory"),
            # The directory without a search or filter: public companies by name, 20 a page
            # (an index scan with LIMIT instead of sorting every company; and the COUNT).
            models.Index(
                fields=["name", "id"],
                condition=Q(status="published", public_consent_at__isnull=False),
                name="company_public_by_name",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("companies:detail", args=[self.slug])

    @property
    def is_public(self) -> bool:
        return self.is_published and self.public_consent_at is not None

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_in_review(self) -> bool:
        """Waits for staff to approve or reject it."""
        return self.status == self.Status.IN_REVIEW

    @property
    def is_published(self) -> bool:
        """Approved by staff; in the directory only with consent (is_public)."""
        return self.status == self.Status.PUBLISHED

    @property
    def is_rejected(self) -> bool:
        return self.status == self.Status.REJECTED

    @property
    def is_hidden(self) -> bool:
        return self.status == self.Status.HIDDEN

    @property
    def can_be_hidden(self) -> bool:
        """Staff can hide what someone besides its members may see or is about to see."""
        return self.status in (self.Status.PUBLISHED, self.Status.IN_REVIEW, self.Status.REJECTED)

    @property
    def status_label(self) -> str:
        """The status as its members and staff read it, saying whether the public sees it."""
        if self.is_published and not self.is_public:
            return gettext("Not public: consent missing")
        labels = {
            self.Status.DRAFT: gettext("Draft – not public yet"),
            self.Status.IN_REVIEW: gettext("In review – not public yet"),
            self.Status.PUBLISHED: gettext("Published"),
            self.Status.REJECTED: gettext("Not published"),
            self.Status.HIDDEN: gettext("Hidden by the KAG team"),
        }
        return labels.get(self.status, "")

    @property
    def status_explanation(self) -> str:
        """What the status means for the company's members, and what they can do next."""
        if self.is_published and not self.is_public:
            return gettext("The owner's consent to appear in the directory is missing.")
        if self.is_rejected and self.rejection_reason:
            return "{} {}".format(
                gettext("The KAG team did not publish the profile."),
                gettext("Reason: %(reason)s") % {"reason": self.rejection_reason},
            )
        explanations = {
            self.Status.DRAFT: gettext(
                "Only your colleagues and the KAG team can see this page. Complete the profile "
                "and send it for review."
            ),
            self.Status.IN_REVIEW: gettext(
                "The KAG team is checking the profile. It appears in the directory once it is "
                "approved."
            ),
            self.Status.PUBLISHED: gettext("Everyone can find the company in the directory."),
            self.Status.REJECTED: gettext("The KAG team did not publish the profile."),
            self.Status.HIDDEN: gettext(
                "The KAG team has taken the profile out of the directory. Please contact the team."
            ),
        }
        return explanations.get(self.status, "")


class Membership(models.Model):
    """A person belongs to a company as its owner or as an editor."""

    class Role(models.TextChoices):
        OWNER = "owner", _("owner")
        EDITOR = "editor", _("editor")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.company} ({self.get_role_display()})"


class JoinRequest(models.Model):
    """A person asks to join an existing company; an owner decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for a decision")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests"
    )
    message = models.TextField(_("message to the owner"), blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "user"],
                condition=Q(status="pending"),
                name="joinrequest_one_pending_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.company}"


class Invitation(models.Model):
    """An owner invites a colleague by e-mail; the signed link works without an account yet."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.EDITOR
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.company}"


class HelpRequest(models.Model):
    """A concrete need on the requests board: "Wir suchen mitlaufende Sonder-Spannzangen …"."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="help_requests")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("what are you looking for?"), max_length=200)
    description = models.TextField(
        _("details"), max_length=5000, help_text=_("Markdown is allowed.")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="help_requests")
    deadline = models.DateField(_("needed by"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    helped_by = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="helped_with",
        verbose_name=_("who helped"),
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-created_at"]
        indexes = [
            # The board: open requests, newest first.
            models.Index(fields=["status", "-created_at"], name="helprequest_board"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("help_requests:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """Takes answers and changes until its company closes it."""
        return self.status == self.Status.OPEN


class HelpOffer(models.Model):
    """A supplier's answer to a request: "Wir können helfen"."""

    help_request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="offers")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="help_offers")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    message = models.TextField(_("your message"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["help_request", "company"], name="helpoffer_one_per_company"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} → {self.help_request}"


class CooperationQuerySet(models.QuerySet["Cooperation"]):
    def confirmed(self) -> CooperationQuerySet:
        """Cooperations every company in them has confirmed (and that have companies at all):
        the rule of Cooperation.is_confirmed as a query, for lists and figures."""
        unconfirmed = CooperationParty.objects.filter(
            cooperation=models.OuterRef("pk"), confirmed_at__isnull=True
        )
        return self.filter(
            models.Exists(CooperationParty.objects.filter(cooperation=models.OuterRef("pk")))
        ).exclude(models.Exists(unconfirmed))


class Cooperation(models.Model):
    """Two or more companies work together. Counts once every involved company confirmed it."""

    class Origin(models.TextChoices):
        EVENT = "event", _("an event")
        SPEED_DATING = "speed_dating", _("a speed-dating meeting")
        REQUEST = "request", _("a request on the board")
        OTHER = "other", _("other")

    class WithoutKag(models.TextChoices):
        YES = "yes", _("yes")
        PROBABLY_NOT = "probably_not", _("probably not")
        NO = "no", _("no")

    class DescriptionKind(models.TextChoices):
        """A description the portal wrote itself is kept as a kind with its parameters and shown
        in the reader's language; `description` then holds it in the default language (for
        search and the CSV)."""

        WRITTEN = "", _("written by the companies")
        MET_AT_SPEED_DATING = "met_at_speed_dating", _("met at a speed dating")

    companies = models.ManyToManyField(
        Company, through="CooperationParty", related_name="cooperations"
    )
    description = models.TextField(_("what do you do together?"), max_length=5000)
    description_kind = models.CharField(
        max_length=30, choices=DescriptionKind.choices, default=DescriptionKind.WRITTEN, blank=True
    )
    description_params = models.JSONField(default=dict, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="cooperations")
    started_on = models.DateField(_("started on"))
    origin = models.CharField(_("how it began"), max_length=20, choices=Origin.choices)
    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="cooperations"
    )
    would_have_happened_without_kag = models.CharField(
        _("would it have come about without the KAG network?"),
        max_length=20,
        choices=WithoutKag.choices,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CooperationQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation")
        verbose_name_plural = _("cooperations")
        ordering = ["-started_on"]

    def __str__(self) -> str:
        return self.description[:60]

    # The portal's own descriptions, by kind; parameters fill them in.
    SYSTEM_DESCRIPTIONS = {
        DescriptionKind.MET_AT_SPEED_DATING: _(
            "Met at the speed dating of “%(event)s”: %(first)s and %(second)s."
        ),
    }

    @classmethod
    def system_description(cls, kind: str, params: dict[str, str]) -> str:
        """The portal's own description of this kind, in the language active now."""
        return str(cls.SYSTEM_DESCRIPTIONS[kind]) % params

    @property
    def display_description(self) -> str:
        """What the companies do together, in the reader's language where the portal wrote it."""
        if self.description_kind in self.SYSTEM_DESCRIPTIONS:
            try:
                return self.system_description(self.description_kind, self.description_params)
            except (KeyError, TypeError, ValueError):
                return self.description
        return self.description

    @property
    def is_confirmed(self) -> bool:
        """Every company in it confirmed (uses prefetched parties where there are any)."""
        parties = self.parties.all()
        return bool(parties) and all(party.confirmed_at is not None for party in parties)


class CooperationParty(models.Model):
    cooperation = models.ForeignKey(Cooperation, on_delete=models.CASCADE, related_name="parties")
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="cooperation_parties"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperation", "company"], name="cooperationparty_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} in {self.cooperation_id}"


class DigestSubscription(models.Model):
    """A person asked for the weekly digest of requests that match their company's offers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_subscription"
    )
    last_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("digest subscription")
        verbose_name_plural = _("digest subscriptions")

    def __str__(self) -> str:
        return str(self.user)
