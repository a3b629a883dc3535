; Tack desktop client installer for Windows, built on Linux with Debian's
; makensis (make installer-windows; scripts/windows-installer.sh).
; Self-contained: unlike the Wails template next to it (project.nsi,
; wails_tools.nsh, which need `wails build` to fill them in), it needs only
;   makensis -DBINARY=path\to\tack.exe -DVERSION=1.2.3 -DOUTFILE=... tack.nsi
;
; Per-user by default (no administrator rights: %LOCALAPPDATA%\Programs\Tack,
; HKCU); /ALLUSERS installs for every account (Program Files, HKLM) and must
; run elevated. Silent mass deployment:
;   tack-setup.exe /S [/ALLUSERS] [/SERVER=https://tack.example.com] [/NOAUTOSTART]
; The uninstaller keeps the user's data (%APPDATA%\tack: connection, sync
; index) unless /PURGE is given or the user ticks the box.
; tack.exe is a 64-bit program, so the installer is one too: it then runs
; wherever tack.exe can (also on Wine without its 32-bit part, as CI does).
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
!ifdef INSPECT
  SetCompress off ; the test's twin build: its registry strings readable (scripts/test-windows-installer.sh)
!else
  SetCompressor /SOLID lzma
!endif

!ifndef BINARY
  !error "pass -DBINARY=path/to/tack.exe"
!endif
!ifndef VERSION
  !define VERSION "0.0.0"
!endif
!ifndef OUTFILE
  !define OUTFILE "tack-setup.exe"
!endif
;  -DSIGN=/path/to/scripts/windows-sign.sh signs uninstall.exe as it is
;  made (scripts/windows-installer.sh passes it when a certificate is set).
!ifdef SIGN
  ; NSIS 3.08 or later hands the finished uninstaller to the command before
  ; packing it, so what WriteUninstaller writes carries the signature.
  !if ${NSIS_PACKEDVERSION} < 0x03008000
    !error "signing the uninstaller needs NSIS 3.08 or later (!uninstfinalize)"
  !endif
  !uninstfinalize '"${SIGN}" "%1"' = 0
!endif
!define PRODUCT "Tack"
!define EXE "tack.exe"
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Tack"
!define RUN_KEY "Software\Microsoft\Windows\CurrentVersion\Run"
!define WEBVIEW2_GUID "{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"

!include "MUI2.nsh"
!include "FileFunc.nsh"
!include "LogicLib.nsh"
!include "x64.nsh"

Name "${PRODUCT}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${PRODUCT}"
ShowInstDetails show
VIProductVersion "${VERSION}.0"
VIFileVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${PRODUCT}"
VIAddVersionKey "CompanyName" "${PRODUCT}"
VIAddVersionKey "FileDescription" "${PRODUCT} installer"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "Tack contributors"

Var AllUsers
Var Server

!define MUI_ICON "..\icon.ico"
!define MUI_UNICON "..\icon.ico"
!define MUI_ABORTWARNING
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"
!insertmacro MUI_LANGUAGE "English"

; The WebView2 runtime draws the window: present on Windows 11 and current
; Windows 10; otherwise point the user (or the log of a silent install) to it.
Function CheckWebView2
  SetRegView 64
  ReadRegStr $0 HKLM "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${If} $0 == ""
    ReadRegStr $0 HKCU "Software\Microsoft\EdgeUpdate\Clients\${WEBVIEW2_GUID}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    DetailPrint "WebView2 runtime not found"
    MessageBox MB_ICONEXCLAMATION|MB_OK "Tack needs the Microsoft Edge WebView2 runtime. Install it from https://go.microsoft.com/fwlink/p/?LinkId=2124703 (IT: deploy the Evergreen runtime)." /SD IDOK
  ${Else}
    DetailPrint "WebView2 runtime $0"
  ${EndIf}
FunctionEnd

Section "Tack" SecMain
  SectionIn RO
  Call CheckWebView2
  ; An update run (/UPDATE, started by the client as it quits) waits up to
  ; 15 s for the old tack.exe to be released before replacing it.
  StrCpy $R9 0
  retry_exe:
  ClearErrors
  Delete "$INSTDIR\${EXE}"
  ${If} ${FileExists} "$INSTDIR\${EXE}"
  ${AndIf} $R9 < 30
    IntOp $R9 $R9 + 1
    Sleep 500
    Goto retry_exe
  ${EndIf}
  SetOutPath "$INSTDIR"
  File "/oname=${EXE}" "${BINARY}"
  ${If} $Server != ""
    ; The team server IT chose: the client uses it on its first start.
    FileOpen $1 "$INSTDIR\tack-server.txt" w
    FileWrite $1 "$Server"
    FileClose $1
  ${EndIf}
  CreateShortcut "$SMPROGRAMS\${PRODUCT}.lnk" "$INSTDIR\${EXE}"
  ; tack:// links (notification clicks, email links) open in the running client.
  WriteRegStr SHCTX "Software\Classes\tack" "" "URL:Tack"
  WriteRegStr SHCTX "Software\Classes\tack" "URL Protocol" ""
  WriteRegStr SHCTX "Software\Classes\tack\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr SHCTX "Software\Classes\tack\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayName" "${PRODUCT}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr SHCTX "${UNINST_KEY}" "Publisher" "${PRODUCT}"
  WriteRegStr SHCTX "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr SHCTX "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr SHCTX "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr SHCTX "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD SHCTX "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD SHCTX "${UNINST_KEY}" "EstimatedSize" $0
SectionEnd

; Start hidden in the tray at login (a backup client that does not run backs
; nothing up). The client's own setting rewrites or removes this value.
Section "Start at login" SecAutostart
  WriteRegStr HKCU "${RUN_KEY}" "Tack" '"$INSTDIR\${EXE}" --hidden'
SectionEnd

Section "un.Tack" UnSecMain
  SectionIn RO
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    SetShellVarContext all
  ${Else}
    SetShellVarContext current
  ${EndIf}
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\tack-server.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\${PRODUCT}.lnk"
  DeleteRegValue HKCU "${RUN_KEY}" "Tack"
  DeleteRegKey SHCTX "Software\Classes\tack"
  DeleteRegKey SHCTX "${UNINST_KEY}"
SectionEnd

; Off unless ticked or /PURGE: the connection, the sync index and the
; WebView2 profile stay for a reinstall.
Section /o "un.Delete my Tack settings and sync data" UnSecData
  RMDir /r "$APPDATA\tack"
  RMDir /r "$LOCALAPPDATA\tack.exe"
SectionEnd

Function un.onInit
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/PURGE" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${UnSecData} 1
  ${EndIf}
FunctionEnd

; ServerOption sets $Server from /SERVER=URL (or /SERVER="URL") in $R0, the
; command line. GetOptions cannot do it: it ends an option's value at the next
; "/", so /SERVER=https://tack.example.com came out as "https:" (found by
; installing under Wine, scripts/test-windows-wine.sh).
Function ServerOption
  StrCpy $Server ""
  StrLen $R2 $R0
  StrCpy $R3 0
  find:
    IntCmp $R3 $R2 done 0 done
    StrCpy $R4 $R0 8 $R3
    StrCmp $R4 "/SERVER=" found ; StrCmp ignores case, as Windows options do
    IntOp $R3 $R3 + 1
    Goto find
  found:
  IntOp $R3 $R3 + 8
  StrCpy $R5 " " ; the value ends at a space, or at the closing quote
  StrCpy $R4 $R0 1 $R3
  ${If} $R4 == '"'
    StrCpy $R5 '"'
    IntOp $R3 $R3 + 1
  ${EndIf}
  StrCpy $R6 $R3
  scan:
    StrCpy $R4 $R0 1 $R6
    StrCmp $R4 "" take
    StrCmp $R4 $R5 take
    IntOp $R6 $R6 + 1
    Goto scan
  take:
  IntOp $R6 $R6 - $R3
  StrCpy $Server $R0 $R6 $R3
  done:
FunctionEnd

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "Tack needs 64-bit Windows 10 or later." /SD IDOK
    Abort
  ${EndIf}
  ${GetParameters} $R0
  StrCpy $AllUsers 0
  ClearErrors
  ${GetOptions} $R0 "/ALLUSERS" $R1
  ${IfNot} ${Errors}
    StrCpy $AllUsers 1
  ${EndIf}
  ${If} $AllUsers == 1
    UserInfo::GetAccountType
    Pop $R1
    ${If} $R1 != "Admin"
      MessageBox MB_ICONSTOP "/ALLUSERS installs for every account: run the installer as administrator." /SD IDOK
      SetErrorLevel 740
      Quit
    ${EndIf}
    SetShellVarContext all
    StrCpy $INSTDIR "$PROGRAMFILES64\${PRODUCT}"
  ${Else}
    SetShellVarContext current
  ${EndIf}
  Call ServerOption
  ClearErrors
  ${GetOptions} $R0 "/NOAUTOSTART" $R1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecAutostart} 0
  ${EndIf}
FunctionEnd
