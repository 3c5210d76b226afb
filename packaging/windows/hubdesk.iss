; Inno Setup 6.3+ script for HubDesk on Windows (x64).
;
; Build the PyInstaller bundle first (dist\HubDesk\hubdesk.exe), then, from the project root:
;
;   for /f %v in ('python -c "import hubdesk; print(hubdesk.__version__)"') do ^
;       iscc /DAppVersion=%v packaging\windows\hubdesk.iss
;
; PowerShell:
;   iscc "/DAppVersion=$(python -c 'import hubdesk; print(hubdesk.__version__)')" `
;        packaging\windows\hubdesk.iss
;
; AppVersion is the one version define. hubdesk.__version__ is the single source: the
; same value goes into the exe's version resource (make_version_info.py) and the macOS
; Info.plist (packaging/macos/info_plist.py). Without /DAppVersion the version is read
; back from dist\HubDesk\hubdesk.exe's version resource, so it still cannot drift.
;
; The installer lands in dist\installer\HubDesk-<version>-setup.exe.

#define AppName "HubDesk"
#define AppExe "hubdesk.exe"
#define AppPublisher "HubWork"
#define AppUrl "https://thehubwork.com/"
#define BundleDir AddBackslash(SourcePath) + "..\..\dist\HubDesk"

#ifndef AppVersion
  #define AppVersion GetVersionNumbersString(BundleDir + "\" + AppExe)
  #if AppVersion == ""
    #error Pass the version: iscc /DAppVersion=X.Y.Z (from hubdesk.__version__)
  #endif
#endif

[Setup]
; AppId identifies HubDesk to Windows' uninstaller: never change it.
AppId={{F0B529C4-4E07-4F60-8212-FDDFC4F9134E}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppPublisher}
AppPublisherURL={#AppUrl}
AppSupportURL={#AppUrl}
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
VersionInfoCompany={#AppPublisher}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-user install by default (no admin prompt); an admin may choose "all users".
; {autopf} and HKA follow that choice: Program Files + HKLM, or the user's
; Programs folder + HKCU.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#SourcePath}..\..\dist\installer
OutputBaseFilename=HubDesk-{#AppVersion}-setup
SetupIconFile={#SourcePath}hubdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
; HubDesk lives in the tray: close it (Restart Manager) before replacing its files.
CloseApplications=yes
RestartApplications=no
ChangesAssociations=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "startatlogin"; Description: "Start HubDesk in the tray when I sign in"; GroupDescription: "Other:"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; AppUserModelID: "HubWork.HubDesk"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; --- tel: and sms: links -----------------------------------------------------------------
; Windows 10/11 keep the user's choice of handler in a protected UserChoice key that no
; installer may write. What an installer can do is (1) declare HubDesk able to handle the
; schemes (Capabilities + RegisteredApplications), so it is offered in Settings > Apps >
; Default apps and in the "How do you want to open this?" prompt, and (2) register the
; schemes themselves under Software\Classes for systems where no choice was made yet.

; (1) HubDesk's own ProgIDs, capabilities and registration: ours alone, deleted on uninstall.
Root: HKA; Subkey: "Software\Classes\HubDesk.tel"; ValueType: string; ValueName: ""; ValueData: "URL:Telephone call (HubDesk)"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\HubDesk.tel"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\HubDesk.tel\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKA; Subkey: "Software\Classes\HubDesk.tel\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\HubDesk.sms"; ValueType: string; ValueName: ""; ValueData: "URL:SMS message (HubDesk)"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\HubDesk.sms"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\HubDesk.sms\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKA; Subkey: "Software\Classes\HubDesk.sms\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

Root: HKA; Subkey: "Software\HubWork\HubDesk"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\HubWork"; Flags: uninsdeletekeyifempty
Root: HKA; Subkey: "Software\HubWork\HubDesk\Capabilities"; ValueType: string; ValueName: "ApplicationName"; ValueData: "{#AppName}"
Root: HKA; Subkey: "Software\HubWork\HubDesk\Capabilities"; ValueType: string; ValueName: "ApplicationDescription"; ValueData: "Send SMS and place calls through HubWork"
Root: HKA; Subkey: "Software\HubWork\HubDesk\Capabilities"; ValueType: string; ValueName: "ApplicationIcon"; ValueData: """{app}\{#AppExe}"",0"
Root: HKA; Subkey: "Software\HubWork\HubDesk\Capabilities\URLAssociations"; ValueType: string; ValueName: "tel"; ValueData: "HubDesk.tel"
Root: HKA; Subkey: "Software\HubWork\HubDesk\Capabilities\URLAssociations"; ValueType: string; ValueName: "sms"; ValueData: "HubDesk.sms"
Root: HKA; Subkey: "Software\RegisteredApplications"; ValueType: string; ValueName: "HubDesk"; ValueData: "Software\HubWork\HubDesk\Capabilities"; Flags: uninsdeletevalue

; (2) The schemes themselves. Other programs (Teams, Zoom, Phone Link) may share these
; keys, so uninstall removes only what HubDesk wrote (its command and icon values, then
; each key if that left it empty), never the whole tel or sms key.
Root: HKA; Subkey: "Software\Classes\tel"; ValueType: string; ValueName: ""; ValueData: "URL:Telephone call"; Flags: uninsdeletekeyifempty
Root: HKA; Subkey: "Software\Classes\tel"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Flags: uninsdeletekeyifempty
Root: HKA; Subkey: "Software\Classes\tel\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKA; Subkey: "Software\Classes\tel\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKA; Subkey: "Software\Classes\sms"; ValueType: string; ValueName: ""; ValueData: "URL:SMS message"; Flags: uninsdeletekeyifempty
Root: HKA; Subkey: "Software\Classes\sms"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""; Flags: uninsdeletekeyifempty
Root: HKA; Subkey: "Software\Classes\sms\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"; Flags: uninsdeletevalue uninsdeletekeyifempty
Root: HKA; Subkey: "Software\Classes\sms\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""; Flags: uninsdeletevalue uninsdeletekeyifempty

; --- Start at login (optional task; always per user) --------------------------------------
Root: HKCU; Subkey: "Software\Microsoft\Windows\CurrentVersion\Run"; ValueType: string; ValueName: "HubDesk"; ValueData: """{app}\{#AppExe}"" --minimized"; Tasks: startatlogin; Flags: uninsdeletevalue

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Nothing: the profile (settings, messages, keyring entries) is kept on purpose, like
; the Linux uninstaller. Removing it is a choice in HubDesk's own settings.
