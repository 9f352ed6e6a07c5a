"""Records as Xero answers them: field names, field order, dates and defaults as the real service."""

from decimal import Decimal

from xero_integration.sandbox.models import (
    Account,
    Allocation,
    Attachment,
    BankTransaction,
    Contact,
    Currency,
    Invoice,
    LineItem,
    Organisation,
    Payment,
    TaxRate,
    TrackingCategory,
)
from xero_integration.sandbox.xero_json import date_string, ms_date, ms_datetime


def organisation_json(org: Organisation) -> dict:
    data = {
        "OrganisationID": str(org.organisation_id),
        "APIKey": "",
        "Name": org.name,
        "LegalName": org.name,
        "PaysTax": True,
        "Version": "UK" if org.country_code == "GB" else "GLOBAL",
        "OrganisationType": "COMPANY",
        "BaseCurrency": org.base_currency,
        "CountryCode": org.country_code,
        "IsDemoCompany": False,
        "OrganisationStatus": "ACTIVE",
        "FinancialYearEndDay": 31,
        "FinancialYearEndMonth": 3,
        "SalesTaxBasis": "ACCRUALS",
        "SalesTaxPeriod": "QUARTERLY1",
        "DefaultSalesTax": "Tax Exclusive",
        "DefaultPurchasesTax": "Tax Exclusive",
        "CreatedDateUTC": ms_datetime(org.created_at),
        "OrganisationEntityType": "COMPANY",
        "Timezone": org.timezone,
        "ShortCode": org.short_code,
        "Edition": "BUSINESS",
        "Class": "PREMIUM",
        "Addresses": [],
        "Phones": [],
        "ExternalLinks": [],
        "PaymentTerms": {},
    }
    # Xero leaves out what is not set.
    if org.period_lock_date:
        data["PeriodLockDate"] = ms_date(org.period_lock_date)
    if org.end_of_year_lock_date:
        data["EndOfYearLockDate"] = ms_date(org.end_of_year_lock_date)
    return data


def account_json(account: Account, *, base_currency: str) -> dict:
    data = {
        "AccountID": str(account.account_id),
        "Code": account.code,
        "Name": account.name,
        "Status": account.status,
        "Type": account.type,
        "TaxType": account.tax_type,
        "Description": account.description,
        "Class": account.account_class,
        "EnablePaymentsToAccount": account.enable_payments_to_account,
        "ShowInExpenseClaims": account.account_class == "EXPENSE",
        "ReportingCode": "",
        "ReportingCodeName": "",
        "HasAttachments": False,
        "UpdatedDateUTC": ms_datetime(account.updated_at),
        "AddToWatchlist": False,
    }
    if account.type == "BANK":
        data.update(BankAccountNumber=account.bank_account_number, BankAccountType="BANK", CurrencyCode=base_currency)
    return data


def tax_rate_json(rate: TaxRate) -> dict:
    return {
        "Name": rate.name,
        "TaxType": rate.tax_type,
        "ReportTaxType": rate.report_tax_type,
        "CanApplyToAssets": rate.can_apply_to_assets,
        "CanApplyToEquity": rate.can_apply_to_equity,
        "CanApplyToExpenses": rate.can_apply_to_expenses,
        "CanApplyToLiabilities": rate.can_apply_to_liabilities,
        "CanApplyToRevenue": rate.can_apply_to_revenue,
        "DisplayTaxRate": rate.rate,
        "EffectiveRate": rate.rate,
        "Status": rate.status,
        "TaxComponents": [{"Name": "VAT", "Rate": rate.rate, "IsCompound": False, "IsNonRecoverable": False}],
        "UpdatedDateUTC": ms_datetime(rate.updated_at),
    }


def tracking_category_json(category: TrackingCategory, options) -> dict:
    return {
        "Name": category.name,
        "Status": category.status,
        "TrackingCategoryID": str(category.tracking_category_id),
        "Options": [
            {
                "TrackingOptionID": str(option.tracking_option_id),
                "Name": option.name,
                "Status": option.status,
                "HasValidationErrors": False,
                "IsDeleted": False,
                "IsArchived": option.status == "ARCHIVED",
                "IsActive": option.status == "ACTIVE",
            }
            for option in options
        ],
        "UpdatedDateUTC": ms_datetime(category.updated_at),
    }


def currency_json(currency: Currency) -> dict:
    return {
        "Code": currency.code,
        "Description": currency.description,
        "UpdatedDateUTC": ms_datetime(currency.updated_at),
    }


def contact_json(contact: Contact) -> dict:
    return {
        "ContactID": str(contact.contact_id),
        "ContactStatus": contact.status,
        "Name": contact.name,
        "FirstName": contact.first_name,
        "LastName": contact.last_name,
        "EmailAddress": contact.email_address,
        "AccountNumber": contact.account_number,
        "TaxNumber": contact.tax_number,
        "BankAccountDetails": "",
        "Addresses": [],
        "Phones": [],
        "UpdatedDateUTC": ms_datetime(contact.updated_at),
        "ContactGroups": [],
        "IsSupplier": contact.is_supplier,
        "IsCustomer": contact.is_customer,
        "ContactPersons": [],
        "HasAttachments": False,
        "HasValidationErrors": False,
    }


def _contact_summary(contact: Contact) -> dict:
    return {
        "ContactID": str(contact.contact_id),
        "Name": contact.name,
        "Addresses": [],
        "Phones": [],
        "ContactGroups": [],
        "ContactPersons": [],
        "HasValidationErrors": False,
    }


def _account_summary(account: Account) -> dict:
    return {"AccountID": str(account.account_id), "Code": account.code, "Name": account.name}


def line_item_json(line: LineItem) -> dict:
    data = {
        "Description": line.description,
        "UnitAmount": line.unit_amount,
        "TaxType": line.tax_type,
        "TaxAmount": line.tax_amount,
        "LineAmount": line.line_amount,
        "Tracking": line.tracking,
        "Quantity": line.quantity,
        "LineItemID": str(line.line_item_id),
        "ValidationErrors": [],
    }
    if line.account is not None:
        data["AccountCode"] = line.account.code
        data["AccountID"] = str(line.account.account_id)
    return data


def attachment_json(attachment: Attachment, url: str) -> dict:
    return {
        "AttachmentID": str(attachment.attachment_id),
        "FileName": attachment.file_name,
        "Url": url,
        "MimeType": attachment.mime_type,
        "ContentLength": attachment.content_length,
        "IncludeOnline": attachment.include_online,
    }


def _payment_summary(payment: Payment) -> dict:
    return {
        "PaymentID": str(payment.payment_id),
        "Date": ms_date(payment.date),
        "Amount": payment.amount,
        "Reference": payment.reference,
        "CurrencyRate": Decimal(1),
        "HasAccount": False,
        "HasValidationErrors": False,
    }


def invoice_json(invoice: Invoice, *, with_lines: bool = True, attachments: list[dict] | None = None) -> dict:
    """Needs `contact`, `line_items__account` and `payments` loaded, and `has_attachments` annotated."""
    data = {
        "Type": invoice.type,
        "InvoiceID": str(invoice.invoice_id),
        "InvoiceNumber": invoice.invoice_number,
        "Reference": invoice.reference,
        "Payments": [_payment_summary(payment) for payment in invoice.payments.all()],
        "CreditNotes": [_credit_summary(a) for a in invoice.credit_allocations.all()],
        "Prepayments": [],
        "Overpayments": [],
        "AmountDue": invoice.amount_due,
        "AmountPaid": invoice.amount_paid,
        "AmountCredited": invoice.amount_credited,
        "CurrencyRate": invoice.currency_rate,
        "IsDiscounted": False,
        "HasAttachments": invoice.has_attachments,
        "InvoiceAddresses": [],
        "HasErrors": False,
        "Contact": _contact_summary(invoice.contact),
        "DateString": date_string(invoice.date),
        "Date": ms_date(invoice.date),
    }
    if invoice.due_date:
        data.update(DueDateString=date_string(invoice.due_date), DueDate=ms_date(invoice.due_date))
    data.update(
        Status=invoice.status,
        LineAmountTypes=invoice.line_amount_types,
    )
    if with_lines:
        data["LineItems"] = [line_item_json(line) for line in invoice.line_items.all()]
    data.update(
        SubTotal=invoice.sub_total,
        TotalTax=invoice.total_tax,
        Total=invoice.total,
        UpdatedDateUTC=ms_datetime(invoice.updated_at),
        CurrencyCode=invoice.currency_code,
    )
    if invoice.fully_paid_on_date:
        data["FullyPaidOnDate"] = ms_date(invoice.fully_paid_on_date)
    if invoice.url:
        data["Url"] = invoice.url
    if attachments is not None:
        data["Attachments"] = attachments
    return data


def _credit_summary(allocation: Allocation) -> dict:
    credit = allocation.credit_note
    return {"CreditNoteID": str(credit.invoice_id), "CreditNoteNumber": credit.invoice_number,
            "AppliedAmount": allocation.amount, "Total": credit.total, "DateString": date_string(allocation.date),
            "Date": ms_date(allocation.date)}


def allocation_json(allocation: Allocation) -> dict:
    return {
        "AllocationID": str(allocation.allocation_id),
        "Amount": allocation.amount,
        "Date": ms_date(allocation.date),
        "Invoice": {"InvoiceID": str(allocation.invoice_id), "InvoiceNumber": allocation.invoice.invoice_number},
        "IsDeleted": False,
    }


def credit_note_json(credit: Invoice, *, attachments: list[dict] | None = None) -> dict:
    """Needs `contact`, `line_items__account` and `allocations_given__invoice` loaded, and `has_attachments`."""
    data = {
        "Type": credit.type,
        "CreditNoteID": str(credit.invoice_id),
        "CreditNoteNumber": credit.invoice_number,
        "Reference": credit.reference,
        "Contact": _contact_summary(credit.contact),
        "DateString": date_string(credit.date),
        "Date": ms_date(credit.date),
        "Status": credit.status,
        "LineAmountTypes": credit.line_amount_types,
        "LineItems": [line_item_json(line) for line in credit.line_items.all()],
        "SubTotal": credit.sub_total,
        "TotalTax": credit.total_tax,
        "Total": credit.total,
        "UpdatedDateUTC": ms_datetime(credit.updated_at),
        "CurrencyCode": credit.currency_code,
        "CurrencyRate": credit.currency_rate,
        "RemainingCredit": credit.amount_due,
        "Allocations": [allocation_json(a) for a in credit.allocations_given.all()],
        "HasAttachments": credit.has_attachments,
        "HasErrors": False,
    }
    if credit.fully_paid_on_date:
        data["FullyPaidOnDate"] = ms_date(credit.fully_paid_on_date)
    if attachments is not None:
        data["Attachments"] = attachments
    return data


def payment_json(payment: Payment) -> dict:
    """Needs `account`, `invoice` and `invoice__contact` loaded."""
    invoice = payment.invoice
    return {
        "PaymentID": str(payment.payment_id),
        "DateString": date_string(payment.date),
        "Date": ms_date(payment.date),
        "BankAmount": (payment.amount / payment.currency_rate).quantize(Decimal("0.01")),
        "Amount": payment.amount,
        "Reference": payment.reference,
        "CurrencyRate": payment.currency_rate,
        "PaymentType": "ACCPAYPAYMENT" if invoice.type == "ACCPAY" else "ACCRECPAYMENT",
        "Status": payment.status,
        "UpdatedDateUTC": ms_datetime(payment.updated_at),
        "HasAccount": True,
        "IsReconciled": False,
        "Account": _account_summary(payment.account),
        "Invoice": {
            "Type": invoice.type,
            "InvoiceID": str(invoice.invoice_id),
            "InvoiceNumber": invoice.invoice_number,
            "Contact": _contact_summary(invoice.contact),
            "CurrencyCode": invoice.currency_code,
            "AmountDue": invoice.amount_due,
            "AmountPaid": invoice.amount_paid,
            "Status": invoice.status,
            "Total": invoice.total,
        },
        "HasValidationErrors": False,
    }


def bank_transaction_json(transaction: BankTransaction) -> dict:
    """Needs `contact`, `bank_account` and `line_items__account` loaded, and `has_attachments` annotated."""
    data = {
        "BankTransactionID": str(transaction.bank_transaction_id),
        "Type": transaction.type,
        "Contact": _contact_summary(transaction.contact),
        "BankAccount": _account_summary(transaction.bank_account),
        "IsReconciled": False,
        "DateString": date_string(transaction.date),
        "Date": ms_date(transaction.date),
        "Reference": transaction.reference,
        "CurrencyCode": transaction.currency_code,
        "CurrencyRate": Decimal(1),
        "Status": transaction.status,
        "LineAmountTypes": transaction.line_amount_types,
        "LineItems": [line_item_json(line) for line in transaction.line_items.all()],
        "SubTotal": transaction.sub_total,
        "TotalTax": transaction.total_tax,
        "Total": transaction.total,
        "UpdatedDateUTC": ms_datetime(transaction.updated_at),
        "HasAttachments": transaction.has_attachments,
    }
    if transaction.url:
        data["Url"] = transaction.url
    return data
