from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sofadoc.accounts import usercache
from sofadoc.accounts.phone import validate_e164
from sofadoc.accounts.timezones import time_zone_choices


class UserQuerySet(models.QuerySet):
    """Updates that bypass save() still retire the cached rows of the users they change
    (sofadoc/accounts/usercache.py): erasure, retention, bulk_update, relation managers."""

    def update(self, **kwargs):
        from sofadoc.accounts.usercache import users_changed

        changed = list(self.values_list("pk", flat=True))
        count = super().update(**kwargs)
        users_changed(changed)
        return count

    update.alters_data = True  # type: ignore[attr-defined]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_queryset(self):
        return UserQuerySet(self.model, using=self._db)

    def _create_user(self, email: str, password: str | None, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)  # type: ignore[attr-defined]
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def get(self, *args, **kwargs):
        """`User.objects.get(pk=...)` alone, which the auth backend asks on every signed-in
        request, reads the row with SQL compiled once per process and database: compiling the
        query took twice as long as running it (0.9 ms against 0.3 ms of CPU per request).
        Anything else, and the managers of relations (subclasses of this one, which filter),
        go through the ORM as usual."""
        if type(self) is not UserManager or args or kwargs.keys() != {"pk"}:
            return super().get(*args, **kwargs)
        try:
            pk = self.model._meta.pk.to_python(kwargs["pk"])
        except ValidationError:
            return super().get(*args, **kwargs)  # the ORM's own error for a bad value
        db = self.db
        if db == DEFAULT_DB_ALIAS:
            # The request's own person, from the session's prefetch (usercache).
            kept = usercache.kept_user(pk)
            if kept is not None:
                return kept
        sql = _USER_BY_PK_SQL.get(db)
        if sql is None:
            sql, params = self.get_queryset().using(db).filter(pk=0).query.sql_with_params()
            if tuple(params) != (0,):  # not one placeholder for the key: leave it to the ORM
                return super().get(*args, **kwargs)
            _USER_BY_PK_SQL[db] = sql
        with connections[db].cursor() as cursor:
            cursor.execute(sql, [pk])
            row = cursor.fetchone()
        if row is None:
            raise self.model.DoesNotExist(
                f"{self.model._meta.object_name} matching query does not exist."
            )
        user = self.model.from_db(db, [f.attname for f in self.model._meta.concrete_fields], row)
        if db == DEFAULT_DB_ALIAS:
            usercache.keep_user(user)
        return user


# Database alias -> the compiled SELECT of one user by primary key (see UserManager.get).
_USER_BY_PK_SQL: dict[str, str] = {}


class User(AbstractBaseUser, PermissionsMixin):
    """A person on SofaDoc: client, coach or staff. The e-mail address is the login."""

    class Language(models.TextChoices):
        GERMAN = "de", _("German")
        ENGLISH = "en", _("English")

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        help_text=_("Shown to your coach or clients, e.g. your first name."),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        choices=time_zone_choices,
        default=settings.DEFAULT_VIEWER_TIME_ZONE,
        help_text=_("All times are shown to you in this zone."),
    )
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, default=Language.GERMAN
    )
    phone = models.CharField(
        _("mobile number"),
        max_length=20,
        blank=True,
        validators=[validate_e164],
        help_text=_("Optional. Used only for SMS reminders you switch on."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("staff"), default=False, help_text=_("May log into the administration.")
    )
    is_demo = models.BooleanField(
        _("demo account"), default=False, help_text=_("Created by seed_demo; not a real person.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def get_session_auth_hash(self) -> str:
        # A row kept in Redis (usercache) carries the hash made from its password instead of
        # the password hash; once the password is loaded or set, it is computed as usual.
        kept = self.__dict__.get("kept_session_auth_hash")
        if kept is not None and "password" not in self.__dict__:
            return kept
        return super().get_session_auth_hash()

    def __str__(self) -> str:
        return self.display_name or self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name
